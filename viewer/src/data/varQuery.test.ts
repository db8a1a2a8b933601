import { describe, expect, it } from 'vitest';

import { applyVariableRegex, parseVariableQuery, queryResultText, sortVariableOptions } from './varQuery';

describe('parseVariableQuery', () => {
  it('parses label_values with and without a metric', () => {
    expect(parseVariableQuery('label_values(up, cluster)')).toEqual({ kind: 'label_values', metric: 'up', label: 'cluster' });
    expect(parseVariableQuery('label_values(up{cluster=~"a|b"}, namespace)')).toEqual({
      kind: 'label_values',
      metric: 'up{cluster=~"a|b"}',
      label: 'namespace',
    });
    expect(parseVariableQuery('label_values(cluster)')).toEqual({ kind: 'label_values', label: 'cluster' });
  });
  it('parses query_result, metrics and label_names', () => {
    expect(parseVariableQuery('query_result(count by (cluster) (up))')).toEqual({ kind: 'query_result', expr: 'count by (cluster) (up)' });
    expect(parseVariableQuery('metrics(mesh_.*)')).toEqual({ kind: 'metrics', regex: 'mesh_.*' });
    expect(parseVariableQuery('label_names()')).toEqual({ kind: 'label_names', match: undefined });
    expect(parseVariableQuery('up').kind).toBe('unknown');
  });
});

describe('queryResultText', () => {
  it('formats as Grafana does: name{labels} value timestamp_ms', () => {
    expect(queryResultText({ metric: { __name__: 'up', cluster: 'a', node: 'n1' }, value: [1793602800, '1'] })).toBe(
      'up{cluster="a", node="n1"} 1 1793602800000'
    );
    expect(queryResultText({ metric: { cluster: 'a' }, value: [10, '5'] })).toBe('{cluster="a"} 5 10000');
  });
});

describe('applyVariableRegex', () => {
  it('keeps everything without a regex, deduplicated', () => {
    expect(applyVariableRegex(['a', 'b', 'a'], undefined)).toEqual([
      { text: 'a', value: 'a' },
      { text: 'b', value: 'b' },
    ]);
  });
  it('filters and extracts the first capture group', () => {
    expect(applyVariableRegex(['prod-eu', 'prod-us', 'staging'], '/prod-(.*)/')).toEqual([
      { text: 'eu', value: 'eu' },
      { text: 'us', value: 'us' },
    ]);
  });
  it('uses named text/value groups', () => {
    const r = applyVariableRegex(['{cluster="a"} 5 10000'], '/cluster="(?<value>[^"]+)".* (?<text>\\d+) /');
    expect(r).toEqual([{ text: '5', value: 'a' }]);
  });
});

describe('sortVariableOptions', () => {
  const opts = ['b10', 'a2', 'C1'].map((v) => ({ text: v, value: v }));
  it('0 keeps order', () => expect(sortVariableOptions(opts, 0).map((o) => o.text)).toEqual(['b10', 'a2', 'C1']));
  it('1/2 alphabetical', () => {
    expect(sortVariableOptions(opts, 1).map((o) => o.text)).toEqual(['C1', 'a2', 'b10']);
    expect(sortVariableOptions(opts, 2).map((o) => o.text)).toEqual(['b10', 'a2', 'C1']);
  });
  it('3 numerical', () => expect(sortVariableOptions(opts, 3).map((o) => o.text)).toEqual(['C1', 'a2', 'b10']));
  it('5 case-insensitive', () => expect(sortVariableOptions(opts, 5).map((o) => o.text)).toEqual(['a2', 'b10', 'C1']));
});
