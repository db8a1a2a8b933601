import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

import { unsupportedMessage, unsupportedOptions } from './unsupportedOptions';

describe('unsupportedOptions', () => {
  it('flags a timeseries drawStyle the viewer cannot draw, in defaults and overrides', () => {
    expect(
      unsupportedOptions({
        type: 'timeseries',
        fieldConfig: {
          defaults: { custom: { drawStyle: 'area', lineWidth: 2, stacking: { mode: 'weird' } } },
          overrides: [{ properties: [{ id: 'custom.drawStyle', value: 'candles' }, { id: 'custom.lineStyle', value: { fill: 'dash' } }] }],
        },
      })
    ).toEqual(['fieldConfig.defaults.custom.drawStyle=area', 'fieldConfig.defaults.custom.stacking.mode=weird', 'override custom.drawStyle=candles']);
  });

  it('flags override properties with nested paths', () => {
    expect(
      unsupportedOptions({ type: 'timeseries', fieldConfig: { overrides: [{ properties: [{ id: 'custom.stacking.mode', value: 'x' }] }] } })
    ).toEqual(['override custom.stacking.mode=x']);
  });

  it('accepts the implemented timeseries settings', () => {
    expect(
      unsupportedOptions({
        type: 'timeseries',
        options: { legend: { displayMode: 'table', placement: 'right' }, tooltip: { mode: 'multi' } },
        fieldConfig: {
          defaults: {
            custom: { drawStyle: 'bars', lineInterpolation: 'smooth', gradientMode: 'hue', stacking: { mode: 'percent' }, thresholdsStyle: { mode: 'line+area' } },
          },
          overrides: [{ properties: [{ id: 'custom.drawStyle', value: 'points' }, { id: 'color', value: { mode: 'fixed' } }] }],
        },
      })
    ).toEqual([]);
  });

  it('flags stat text, color and graph modes outside the implemented set', () => {
    expect(unsupportedOptions({ type: 'stat', options: { textMode: 'value_and_name', colorMode: 'background', graphMode: 'area' } })).toEqual([]);
    expect(
      unsupportedOptions({ type: 'stat', options: { textMode: 'fancy', colorMode: 'rainbow', graphMode: 'line', showPercentChange: true } })
    ).toEqual(['options.textMode=fancy', 'options.colorMode=rainbow', 'options.graphMode=line', 'options.showPercentChange=true']);
  });

  it('flags bargauge display modes other than basic, gradient and lcd', () => {
    for (const m of ['basic', 'gradient', 'lcd']) {
      expect(unsupportedOptions({ type: 'bargauge', options: { displayMode: m } })).toEqual([]);
    }
    expect(unsupportedOptions({ type: 'bargauge', options: { displayMode: 'retro' } })).toEqual(['options.displayMode=retro']);
  });

  it('flags table options that change the look but are ignored', () => {
    expect(unsupportedOptions({ type: 'table', options: { showHeader: true, cellHeight: 'sm' } })).toEqual([]);
    expect(
      unsupportedOptions({ type: 'table', options: { showHeader: false, footer: { show: true }, frameIndex: 1 } })
    ).toEqual(['options.showHeader=false', 'options.footer.show=true', 'options.frameIndex=1']);
  });

  it('flags text code mode and state-timeline value alignment', () => {
    expect(unsupportedOptions({ type: 'text', options: { mode: 'code' } })).toEqual(['options.mode=code']);
    expect(unsupportedOptions({ type: 'state-timeline', options: { alignValue: 'center', showValue: 'auto' } })).toEqual(['options.alignValue=center']);
  });

  it('finds nothing in the viewer test dashboard', () => {
    const d = JSON.parse(readFileSync(new URL('../../../tests/fixtures/dashboards/viewer-all-panels.json', import.meta.url), 'utf8')) as {
      panels: Array<{ type: string; options?: Record<string, unknown>; fieldConfig?: never }>;
    };
    for (const p of d.panels) {
      expect(unsupportedOptions(p)).toEqual([]);
    }
  });
});

describe('unsupportedMessage', () => {
  it('collects transformations and options into one message', () => {
    expect(unsupportedMessage([], [])).toBeUndefined();
    expect(unsupportedMessage(['reduce'], ['options.textMode=x', 'options.graphMode=y'])).toBe(
      'Unsupported transformation: reduce; Unsupported options: options.textMode=x, options.graphMode=y'
    );
    expect(unsupportedMessage([], ['options.mode=code'])).toBe('Unsupported option: options.mode=code');
  });
});
