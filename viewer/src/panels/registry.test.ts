import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

import { withPluginDefaults } from '../data/defaults';
import { unsupportedOptions } from '../model/unsupportedOptions';
import { PANELS, panelDescriptor, unsupportedTypeMessage } from './registry';

describe('panel registry', () => {
  it('lists each panel type once, each with defaults, option rules and a component', () => {
    const types = PANELS.map((p) => p.type);
    expect(new Set(types).size).toBe(types.length);
    expect([...types].sort()).toEqual(['bargauge', 'gauge', 'stat', 'state-timeline', 'table', 'text', 'timeseries']);
    for (const p of PANELS) {
      expect(panelDescriptor(p.type)).toBe(p);
      expect(typeof p.Component).toBe('function');
      expect(p.defaults.options).toBeTypeOf('object');
      expect(p.defaults.fieldConfig).toBeTypeOf('object');
      expect(Array.isArray(p.optionRules.options)).toBe(true);
    }
  });

  it('is where defaults and option rules come from', () => {
    for (const p of PANELS) {
      expect(withPluginDefaults(p.type, undefined, undefined)).toEqual({ options: p.defaults.options, defaults: p.defaults.fieldConfig });
      for (const r of p.optionRules.options) {
        const options: Record<string, unknown> = {};
        const keys = r.path.split('.');
        keys.reduce<Record<string, unknown>>((o, k, i) => (o[k] = i === keys.length - 1 ? '__not_allowed__' : {}) as Record<string, unknown>, options);
        expect(unsupportedOptions({ type: p.type, options })).toContain(`options.${r.path}=__not_allowed__`);
      }
    }
  });

  it('draws on a canvas exactly for the canvas-based panels; only text runs no queries; only stat draws its own "No data"', () => {
    expect(PANELS.filter((p) => p.drawsOnCanvas).map((p) => p.type)).toEqual(['timeseries', 'state-timeline']);
    expect(PANELS.filter((p) => !p.runsQueries).map((p) => p.type)).toEqual(['text']);
    expect(PANELS.filter((p) => p.drawsNoData).map((p) => p.type)).toEqual(['stat']);
  });

  it('an unregistered type is unsupported, with no defaults and no option rules', () => {
    expect(panelDescriptor('piechart')).toBeUndefined();
    expect(panelDescriptor('row')).toBeUndefined();
    expect(unsupportedTypeMessage('piechart')).toBe('Unsupported panel type: piechart');
    expect(withPluginDefaults('piechart', { a: 1 }, undefined)).toEqual({ options: { a: 1 }, defaults: {} });
    expect(unsupportedOptions({ type: 'piechart', options: { displayMode: 'anything' } })).toEqual([]);
  });

  it('the viewer test dashboard draws every registered type (and one unsupported piechart)', () => {
    const d = JSON.parse(readFileSync(new URL('../../../tests/fixtures/dashboards/viewer-all-panels.json', import.meta.url), 'utf8')) as {
      panels: Array<{ type: string }>;
    };
    const used = new Set(d.panels.map((p) => p.type).filter((t) => t !== 'row'));
    expect([...used].filter((t) => !panelDescriptor(t))).toEqual(['piechart']);
    expect(PANELS.filter((p) => !used.has(p.type))).toEqual([]);
  });
});
