import { describe, expect, it } from 'vitest';

import {
  applyFormat,
  customVariableOptions,
  escapeRegex,
  interpolate,
  resolveVariable,
  resolveVariables,
  urlVariableValues,
  type InterpolateContext,
  type VariableModel,
} from './variables';

const opts = (...vals: string[]) => vals.map((v) => ({ text: v, value: v }));

const cluster: VariableModel = {
  name: 'cluster',
  type: 'query',
  multi: true,
  includeAll: true,
  current: { text: ['prod-us', 'prod.eu'], value: ['prod-us', 'prod.eu'] },
  options: [{ text: 'All', value: '$__all' }, ...opts('prod-us', 'prod.eu', 'staging')],
};
const ns: VariableModel = {
  name: 'namespace',
  type: 'custom',
  query: 'payments,orders',
  current: { text: 'payments', value: 'payments' },
};
const job: VariableModel = {
  name: 'job',
  type: 'query',
  multi: true,
  includeAll: true,
  allValue: '.*',
  current: { text: 'All', value: '$__all' },
  options: opts('api', 'web'),
};
const env: VariableModel = { name: 'env', type: 'constant', query: 'prod' };

function ctx(url: Record<string, string[]> = {}): InterpolateContext {
  return {
    variables: resolveVariables([cluster, ns, job, env], url),
    scopedVars: {
      __interval: { text: '1m', value: '1m' },
      __interval_ms: { text: '60000', value: 60000 },
      __rate_interval: { text: '75s', value: '75s' },
      __range: { text: '21600s', value: '21600s' },
    },
  };
}

describe('syntax', () => {
  it('replaces $var, ${var}, [[var]] and leaves unknown variables alone', () => {
    const c = ctx();
    expect(interpolate('a=$namespace b=${namespace} c=[[namespace]] d=$nope', c)).toBe(
      'a=payments b=payments c=payments d=$nope'
    );
    expect(interpolate('$env-$namespace', c)).toBe('prod-payments');
  });

  it('built-ins, longest name wins', () => {
    const c = ctx();
    expect(interpolate('rate(x[$__rate_interval]) $__interval $__interval_ms ${__range}', c)).toBe(
      'rate(x[75s]) 1m 60000 21600s'
    );
  });
});

describe('Prometheus default format', () => {
  it('multi value → (a|b) with regex-escaped values', () => {
    expect(interpolate('up{cluster=~"$cluster"}', ctx())).toBe('up{cluster=~"(prod-us|prod\\\\.eu)"}');
  });

  it('single value of a multi variable stays bare but escaped', () => {
    expect(interpolate('$cluster', ctx({ cluster: ['prod.eu'] }))).toBe('prod\\\\.eu');
  });

  it('single-value variable: regular escape only', () => {
    const vars = resolveVariables([{ name: 'v', type: 'custom', current: { value: "it's a.b" } }]);
    expect(interpolate('$v', { variables: vars })).toBe("it\\\\'s a.b");
  });

  it('All without allValue → every option', () => {
    expect(interpolate('$cluster', ctx({ cluster: ['$__all'] }))).toBe('(prod-us|prod\\\\.eu|staging)');
    expect(interpolate('$cluster', ctx({ cluster: ['All'] }))).toBe('(prod-us|prod\\\\.eu|staging)');
  });

  it('All with a custom allValue → the raw value', () => {
    expect(interpolate('job=~"$job"', ctx())).toBe('job=~".*"');
    expect(interpolate('${job:regex}|${job:csv}', ctx())).toBe('.*|.*');
    expect(interpolate('${job:text}', ctx())).toBe('All');
  });
});

describe('formats', () => {
  const c = ctx();
  it.each([
    ['${cluster:regex}', '(prod-us|prod\\.eu)'],
    ['${cluster:pipe}', 'prod-us|prod.eu'],
    ['${cluster:csv}', 'prod-us,prod.eu'],
    ['${cluster:raw}', 'prod-us,prod.eu'],
    ['${cluster:json}', '["prod-us","prod.eu"]'],
    ['${cluster:doublequote}', '"prod-us","prod.eu"'],
    ['${cluster:singlequote}', "'prod-us','prod.eu'"],
    ['${cluster:glob}', '{prod-us,prod.eu}'],
    ['${cluster:text}', 'prod-us + prod.eu'],
    ['${cluster:queryparam}', 'var-cluster=prod-us&var-cluster=prod.eu'],
    ['${cluster:percentencode}', '%7Bprod-us%2Cprod.eu%7D'],
    ['[[cluster:pipe]]', 'prod-us|prod.eu'],
    ['${namespace:regex}', 'payments'],
    ['${namespace:json}', '"payments"'],
    ['${namespace:glob}', 'payments'],
    ['${__interval_ms:raw}', '60000'],
  ])('%s → %s', (tpl, out) => {
    expect(interpolate(tpl, c)).toBe(out);
  });

  it('escapeRegex escapes the same set as Grafana', () => {
    expect(escapeRegex('a.b*c/d(e)|[f]{g}^$+?\\')).toBe('a\\.b\\*c\\/d\\(e\\)\\|\\[f\\]\\{g\\}\\^\\$\\+\\?\\\\');
  });

  it('unknown format falls back to glob', () => {
    expect(interpolate('${cluster:nonsense}', c)).toBe('{prod-us,prod.eu}');
    expect(applyFormat('nonsense', 'x', { name: 'x', text: 'x' })).toBeUndefined();
  });
});

describe('resolution', () => {
  it('URL values win over current, repeated var- params make a multi selection', () => {
    const url = urlVariableValues(new URLSearchParams('var-cluster=staging&var-cluster=prod-us&var-namespace=orders&x=1'));
    expect(url).toEqual({ cluster: ['staging', 'prod-us'], namespace: ['orders'] });
    const vars = resolveVariables([cluster, ns], url);
    expect(vars.get('cluster')?.value).toEqual(['staging', 'prod-us']);
    expect(vars.get('namespace')?.value).toBe('orders');
  });

  it('non-multi variable with several URL values takes the first', () => {
    expect(resolveVariable(ns, ['orders', 'payments']).value).toBe('orders');
  });

  it('falls back to first option when nothing is current', () => {
    expect(resolveVariable({ name: 'x', type: 'custom', query: 'a : 1, b : 2' }).value).toBe('1');
  });

  it('constant is always its query', () => {
    expect(resolveVariable(env, ['other']).value).toBe('prod');
  });

  it('custom options parse text : value pairs and escaped commas', () => {
    expect(customVariableOptions('a,b\\,c, Label : val')).toEqual([
      { text: 'a', value: 'a' },
      { text: 'b,c', value: 'b,c' },
      { text: 'Label', value: 'val' },
    ]);
  });

  it('text of a selection uses option texts', () => {
    const v = resolveVariable({ name: 'x', type: 'custom', query: 'One : 1,Two : 2', multi: true }, ['1', '2']);
    expect(v.text).toBe('One + Two');
  });
});
