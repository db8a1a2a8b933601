import { describe, expect, it } from 'vitest';

import { adjustInterval, alignRange, intervalToSeconds, panelInterval, prometheusStep, rangeVars, rateInterval } from './interval';

const HOUR = 3600_000;

describe('interval strings', () => {
  it('accepts what rangeUtil does, plus surrounding blanks and the old ">" min-interval marker', () => {
    expect(intervalToSeconds('1m')).toBe(60);
    expect(intervalToSeconds('30')).toBe(30);
    expect(intervalToSeconds('>30s')).toBe(30);
    expect(intervalToSeconds(' 2h ')).toBe(7200);
    expect(() => intervalToSeconds('abc')).toThrow(/Invalid interval string/);
  });
});

describe('panelInterval', () => {
  it('uses maxDataPoints over width, panel min interval over scrape interval', () => {
    const base = { fromMs: 0, toMs: 24 * HOUR, widthPx: 1200 };
    // 86400s / 1200 = 72s → 1m
    expect(panelInterval({ ...base, datasourceInterval: '15s' })).toEqual({ intervalMs: 60_000, interval: '1m' });
    // maxDataPoints 100 → 864s → 15m
    expect(panelInterval({ ...base, maxDataPoints: 100 }).interval).toBe('15m');
    // min interval 5m beats computed 1m
    expect(panelInterval({ ...base, panelMinInterval: '5m', datasourceInterval: '15s' }).interval).toBe('5m');
    expect(panelInterval({ ...base, panelMinInterval: '>5m' }).interval).toBe('5m');
    // short range: scrape interval is the floor
    expect(panelInterval({ fromMs: 0, toMs: 5 * 60_000, widthPx: 1000, datasourceInterval: '15s' }).interval).toBe('15s');
    // 6h over 1000 px → 21.6s → 20s
    expect(panelInterval({ fromMs: 0, toMs: 6 * HOUR, widthPx: 1000 })).toEqual({ intervalMs: 20_000, interval: '20s' });
  });
});

describe('Prometheus step and built-ins', () => {
  it('computes $__rate_interval = max(interval + scrape, 4 × scrape)', () => {
    expect(rateInterval(60, 15)).toBe(75);
    expect(rateInterval(15, 15)).toBe(60);
    expect(rateInterval(20, 0)).toBe(60);
  });

  it('adjustInterval respects min step, factor and the 11000 points limit', () => {
    expect(adjustInterval(20, 20, 21600, 1)).toBe(20);
    expect(adjustInterval(20, 60, 21600, 1)).toBe(60);
    expect(adjustInterval(20, 20, 21600, 2)).toBe(40);
    // 30 days / 11000 = 235.6 → 236
    expect(adjustInterval(1, 1, 30 * 86400, 1)).toBe(236);
  });

  it('range variables', () => {
    expect(rangeVars(0, 6 * HOUR)).toEqual({ __range_ms: '21600000', __range_s: '21600', __range: '21600s' });
    expect(rangeVars(0, 1499)).toEqual({ __range_ms: '1499', __range_s: '1', __range: '1s' });
  });

  it('aligns range to step', () => {
    expect(alignRange(1_000_007, 1_003_607, 60, 0)).toEqual({ start: 999_960, end: 1_003_560 });
  });

  it('a plain panel: step = $__interval', () => {
    const fromMs = Date.UTC(2024, 0, 1, 0, 0, 0);
    const toMs = fromMs + 6 * HOUR;
    const pi = panelInterval({ fromMs, toMs, widthPx: 1000, datasourceInterval: '15s' });
    const s = prometheusStep({ fromMs, toMs, panelInterval: pi, scrapeInterval: '15s' });
    expect(s.step).toBe(20);
    expect(s.vars).toEqual({
      __interval: '20s',
      __interval_ms: '20000',
      __rate_interval: '60s',
      __range: '21600s',
      __range_s: '21600',
      __range_ms: '21600000',
    });
    expect(s.start).toBe(fromMs / 1000);
    expect(s.end).toBe(toMs / 1000);
  });

  it('a target min step adjusts the step, $__interval and $__rate_interval', () => {
    const fromMs = Date.UTC(2024, 0, 1, 0, 0, 10);
    const toMs = fromMs + 6 * HOUR;
    const pi = panelInterval({ fromMs, toMs, widthPx: 1000, datasourceInterval: '15s' });
    const s = prometheusStep({ fromMs, toMs, panelInterval: pi, targetInterval: '2m', scrapeInterval: '15s' });
    expect(s.step).toBe(120);
    expect(s.vars.__interval).toBe('120s');
    expect(s.vars.__interval_ms).toBe('120000');
    // scrape interval becomes the target interval: max(120 + 120, 480)
    expect(s.vars.__rate_interval).toBe('480s');
    expect(s.start % 120).toBe(0);
    expect(s.end % 120).toBe(0);
  });
});
