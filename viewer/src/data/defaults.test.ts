import { describe, expect, it } from 'vitest';

import { deepMerge, withPluginDefaults } from './defaults';

describe('deepMerge', () => {
  it('merges objects, replaces arrays, ignores null/undefined', () => {
    expect(deepMerge({ a: { b: 1, c: 2 }, l: [1, 2] }, { a: { c: 3 }, l: [9], x: null })).toEqual({ a: { b: 1, c: 3 }, l: [9] });
  });
  it('does not mutate the base', () => {
    const base = { a: { b: 1 } };
    deepMerge(base, { a: { b: 2 } });
    expect(base.a.b).toBe(1);
  });
});

describe('withPluginDefaults', () => {
  it('timeseries: palette-classic, custom graph defaults, legend list at the bottom', () => {
    const { options, defaults } = withPluginDefaults('timeseries', { legend: { calcs: ['mean'] } }, { custom: { fillOpacity: 20 } });
    expect(options.legend).toEqual({ showLegend: true, displayMode: 'list', placement: 'bottom', calcs: ['mean'] });
    expect(defaults.color).toEqual({ mode: 'palette-classic' });
    expect((defaults.custom as Record<string, unknown>).fillOpacity).toBe(20);
    expect((defaults.custom as Record<string, unknown>).lineWidth).toBe(1);
  });
  it('stat: lastNotNull, area graph, green/red 80 thresholds unless given', () => {
    const { options, defaults } = withPluginDefaults('stat', undefined, { thresholds: { mode: 'absolute', steps: [{ value: null, color: 'blue' }] } });
    expect(options.reduceOptions).toEqual({ values: false, calcs: ['lastNotNull'], fields: '' });
    expect(options.graphMode).toBe('area');
    expect(defaults.thresholds).toEqual({ mode: 'absolute', steps: [{ value: null, color: 'blue' }] });
  });
  it('unknown types get no defaults', () => {
    expect(withPluginDefaults('piechart', { a: 1 }, undefined)).toEqual({ options: { a: 1 }, defaults: {} });
  });
});
