import { getActiveThreshold as grafanaGetActiveThreshold } from '@grafana/data';
import { describe, expect, it } from 'vitest';

import {
  absoluteStepValues,
  FALLBACK_THRESHOLD,
  getActiveThreshold,
  getActiveThresholdForValue,
  normalizeThresholds,
  thresholdColor,
} from './thresholds';

const palette: Record<string, string> = { green: '#73BF69', yellow: '#FADE2A', red: '#F2495C', 'semi-dark-orange': '#FA6400' };
const byName = (n: string) => palette[n] ?? n;

const json = {
  mode: 'absolute',
  steps: [
    { value: null, color: 'green' },
    { value: 80, color: 'red' },
    { value: 50, color: 'yellow' },
  ],
};

describe('thresholds', () => {
  it('normalize: base -Infinity, sorted, default mode absolute', () => {
    const t = normalizeThresholds(json);
    expect(t.mode).toBe('absolute');
    expect(t.steps.map((s) => s.value)).toEqual([-Infinity, 50, 80]);
    expect(normalizeThresholds({ steps: [{ value: 5, color: 'green' }] }).steps[0].value).toBe(-Infinity);
    expect(normalizeThresholds(undefined)).toEqual({ mode: 'absolute', steps: [] });
  });

  it('active step in absolute mode (>= is inclusive)', () => {
    const t = normalizeThresholds(json);
    expect(getActiveThreshold(-1000, t.steps).color).toBe('green');
    expect(getActiveThreshold(49.9, t.steps).color).toBe('green');
    expect(getActiveThreshold(50, t.steps).color).toBe('yellow');
    expect(getActiveThreshold(80, t.steps).color).toBe('red');
    expect(getActiveThreshold(1e9, t.steps).color).toBe('red');
  });

  it('no steps → Grafana fallback', () => {
    expect(getActiveThreshold(5, [])).toBe(FALLBACK_THRESHOLD);
    expect(FALLBACK_THRESHOLD.color).toBe('#808080');
  });

  it('percentage mode uses the position in min..max', () => {
    const t = normalizeThresholds({ ...json, mode: 'percentage' });
    // 300 in 0..500 is 60 %
    expect(getActiveThresholdForValue(t, 300, 0.6).color).toBe('yellow');
    expect(thresholdColor(300, t, { min: 0, max: 500 }, byName)).toBe('#FADE2A');
    expect(thresholdColor(450, t, { min: 0, max: 500 }, byName)).toBe('#F2495C');
    expect(thresholdColor(100, t, { min: 0, max: 500 }, byName)).toBe('#73BF69');
    // with min 200: 300 is 33 %
    expect(thresholdColor(300, t, { min: 200, max: 500 }, byName)).toBe('#73BF69');
  });

  it('colors resolve through the theme, hex passes through', () => {
    const t = normalizeThresholds({ steps: [{ value: null, color: 'semi-dark-orange' }, { value: 1, color: '#123456' }] });
    expect(thresholdColor(0, t, { min: 0, max: 1 }, byName)).toBe('#FA6400');
    expect(thresholdColor(2, t, { min: 0, max: 1 }, byName)).toBe('#123456');
  });

  it('absolute step values for drawing', () => {
    const t = normalizeThresholds({ mode: 'percentage', steps: [{ value: null, color: 'green' }, { value: 50, color: 'red' }] });
    expect(absoluteStepValues(t, { min: 100, max: 300 })).toEqual([-Infinity, 200]);
  });

  it('agrees with @grafana/data getActiveThreshold', () => {
    const t = normalizeThresholds(json);
    for (const v of [-5, 0, 49, 50, 51, 79.99, 80, 1000, NaN]) {
      expect(getActiveThreshold(v, t.steps)).toEqual(grafanaGetActiveThreshold(v, t.steps));
    }
  });
});
