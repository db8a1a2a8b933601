import { describe, expect, it } from 'vitest';

import { createDataFrame, FieldType } from '@grafana/data';

import { applyFieldConfig, type FieldConfigSource, normalizeThresholds } from './fieldConfig';

const frames = [
  createDataFrame({
    refId: 'A',
    fields: [
      { name: 'Time', type: FieldType.time, values: [] },
      { name: 'Value', type: FieldType.number, values: [], labels: { job: 'api' }, config: { displayNameFromDS: 'api 5xx' } },
      { name: 'Value', type: FieldType.number, values: [], labels: { job: 'web' }, config: { unit: 'reqps', displayNameFromDS: 'web 5xx' } },
    ],
  }),
  createDataFrame({
    refId: 'B',
    fields: [
      { name: 'Time', type: FieldType.time, values: [] },
      { name: 'latency', type: FieldType.number, values: [] },
      { name: 'status', type: FieldType.string, values: [] },
    ],
  }),
];

const source: FieldConfigSource = {
  defaults: {
    unit: 'percent',
    min: 0,
    max: 100,
    decimals: 1,
    noValue: 'n/a',
    thresholds: { mode: 'absolute', steps: [{ value: null, color: 'green' }, { value: 80, color: 'red' }] },
    mappings: [{ type: 'value', options: { '0': { text: 'zero' } } }],
    custom: { lineWidth: 1, fillOpacity: 10, hideFrom: { legend: false, tooltip: false, viz: false } },
  },
  overrides: [
    { matcher: { id: 'byName', options: 'api 5xx' }, properties: [{ id: 'custom.lineWidth', value: 3 }, { id: 'color', value: { mode: 'fixed', fixedColor: 'red' } }] },
    { matcher: { id: 'byRegexp', options: '.*5xx' }, properties: [{ id: 'unit', value: 'short' }, { id: 'thresholds', value: { mode: 'percentage', steps: [{ value: null, color: 'blue' }, { value: 90, color: 'purple' }] } }] },
    { matcher: { id: 'byRegexp', options: 'web.*' }, properties: [{ id: 'custom.lineWidth', value: 5 }] },
    { matcher: { id: 'byFrameRefID', options: 'B' }, properties: [{ id: 'displayName', value: 'B series' }, { id: 'mappings', value: [{ type: 'value', options: { '1': { text: 'one' } } }] }] },
    { matcher: { id: 'byType', options: 'string' }, properties: [{ id: 'custom.align', value: 'center' }, { id: 'noValue', value: null }] },
  ],
};

describe('field config merge', () => {
  const out = applyFieldConfig(frames, source);
  const [time, api, web] = out[0];
  const [timeB, latency, status] = out[1];

  it('defaults fill unset properties; min/max/decimals only on numbers', () => {
    expect(time.unit).toBe('percent');
    expect(time.min).toBeUndefined();
    expect(time.decimals).toBeUndefined();
    expect(latency.min).toBe(0);
    expect(latency.max).toBe(100);
    expect(latency.decimals).toBe(1);
    expect(latency.custom).toEqual({ lineWidth: 1, fillOpacity: 10, hideFrom: { legend: false, tooltip: false, viz: false } });
  });

  it('thresholds get a -Infinity base and imply color mode thresholds', () => {
    expect(latency.thresholds).toEqual({ mode: 'absolute', steps: [{ value: -Infinity, color: 'green' }, { value: 80, color: 'red' }] });
    expect(latency.color).toEqual({ mode: 'thresholds' });
  });

  it('datasource config beats defaults, overrides beat both', () => {
    // web: DS unit reqps beats default percent, but the byRegexp override sets short
    expect(web.unit).toBe('short');
    expect(web.displayNameFromDS).toBe('web 5xx');
  });

  it('byName matches the display name; nested custom path set', () => {
    expect(api.custom?.lineWidth).toBe(3);
    expect(api.custom?.fillOpacity).toBe(10);
    expect(api.color).toEqual({ mode: 'fixed', fixedColor: 'red' });
  });

  it('later overrides win', () => {
    expect(web.custom?.lineWidth).toBe(5);
  });

  it('thresholds are replaced whole, not merged', () => {
    expect(api.thresholds).toEqual({ mode: 'percentage', steps: [{ value: -Infinity, color: 'blue' }, { value: 90, color: 'purple' }] });
  });

  it('array values (mappings) are prepended to the existing ones, as Grafana does', () => {
    expect(latency.mappings).toEqual([
      { type: 'value', options: { '1': { text: 'one' } } },
      { type: 'value', options: { '0': { text: 'zero' } } },
    ]);
    expect(api.mappings).toEqual([{ type: 'value', options: { '0': { text: 'zero' } } }]);
  });

  it('byFrameRefID and byType', () => {
    expect(timeB.displayName).toBe('B series');
    expect(time.displayName).toBeUndefined();
    expect(status.custom?.align).toBe('center');
  });

  it('a null override value removes the property', () => {
    expect(status.noValue).toBeUndefined();
    expect(latency.noValue).toBe('n/a');
  });

  it('does not mutate the inputs', () => {
    expect(frames[0].fields[2].config).toEqual({ unit: 'reqps', displayNameFromDS: 'web 5xx' });
    expect(frames[1].fields[1].config).toEqual({});
    expect((source.defaults?.thresholds as { steps: Array<{ value: number | null }> }).steps[0].value).toBeNull();
  });

  it('swaps min and max when min > max, drops a color without mode', () => {
    const frame = createDataFrame({ fields: [{ name: 'v', type: FieldType.number, values: [] }] });
    const [[c]] = applyFieldConfig([frame], { defaults: { min: 10, max: 2, color: { fixedColor: 'red' } } });
    expect(c.min).toBe(2);
    expect(c.max).toBe(10);
    expect(c.color).toBeUndefined();
  });
});

describe('override matchers (the library\'s fieldMatchers)', () => {
  const match = (matcher: { id: string; options?: unknown }) =>
    applyFieldConfig(frames, { overrides: [{ matcher, properties: [{ id: 'unit', value: 'hit' }] }] })[0].map((c) => c.unit === 'hit');
  it('byName: field name or display name', () => {
    expect(match({ id: 'byName', options: 'Value' })).toEqual([false, true, true]);
    expect(match({ id: 'byName', options: 'api 5xx' })).toEqual([false, true, false]);
  });
  it('byRegexp is anchored unless written /…/', () => {
    expect(match({ id: 'byRegexp', options: 'api' })).toEqual([false, false, false]);
    expect(match({ id: 'byRegexp', options: '/API/i' })).toEqual([false, true, false]);
  });
  it('a rule with an unknown matcher id is skipped', () => {
    expect(match({ id: 'noSuchMatcher', options: {} })).toEqual([false, false, false]);
  });
});

describe('normalizeThresholds (Grafana\'s load-time fix)', () => {
  it('base step -Infinity, sorted, default mode absolute', () => {
    const t = normalizeThresholds({ mode: 'percentage', steps: [{ value: null, color: 'green' }, { value: 80, color: 'red' }, { value: 50, color: 'yellow' }] });
    expect(t).toEqual({ mode: 'percentage', steps: [{ value: -Infinity, color: 'green' }, { value: 50, color: 'yellow' }, { value: 80, color: 'red' }] });
    expect(normalizeThresholds({ steps: [{ value: 5, color: 'green' }] }).steps[0].value).toBe(-Infinity);
    expect(normalizeThresholds(undefined)).toEqual({ mode: 'absolute', steps: [] });
  });
});
