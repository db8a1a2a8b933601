/**
 * Query interval / step: the panel's `$__interval` and each Prometheus query's step and built-in
 * variables. Interval parsing, rounding and `calculateInterval` are @grafana/data's `rangeUtil`;
 * written here only what the library lacks:
 * - `panelInterval`: Grafana's panel query runner lives in the Grafana app, not in the library
 *   (`lowerIntervalLimit = panel.interval (Min interval) || datasource.interval`; resolution =
 *   `maxDataPoints`, else the panel width in pixels; `$__interval = norm.interval`).
 * - `adjustInterval`, `rateInterval`, `rangeVars`, `alignRange`, `prometheusStep`: the Prometheus
 *   datasource's step rules (`createQuery`), which are in `@grafana/prometheus` (AGPL, not a dependency).
 */
import { dateTime, rangeUtil } from '@grafana/data';

/**
 * An interval string as `rangeUtil` accepts it: trimmed, a leading `>` (the old "min interval"
 * marker, which the library's parser rejects) dropped.
 */
function intervalText(input: string): string {
  return input.trim().replace(/^>/, '');
}

/** `rangeUtil.intervalToSeconds` on {@link intervalText} ("1m" → 60, ">30s" → 30). */
export function intervalToSeconds(input: string): number {
  return rangeUtil.intervalToSeconds(intervalText(input));
}

export interface IntervalValues {
  /** e.g. "1m" */
  interval: string;
  intervalMs: number;
}

export interface PanelIntervalInput {
  fromMs: number;
  toMs: number;
  /** Panel width in px; Grafana uses it as max data points when `maxDataPoints` is unset. */
  widthPx: number;
  /** Panel `maxDataPoints` (Query options). */
  maxDataPoints?: number | null;
  /** Panel `interval` (Query options → Min interval), e.g. "1m" or ">30s". */
  panelMinInterval?: string | null;
  /** Datasource `jsonData.timeInterval` (the scrape interval), e.g. "15s". */
  datasourceInterval?: string | null;
}

/**
 * Panel-level `$__interval` as Grafana's query runner computes it:
 * lower limit = panel Min interval, else the datasource's scrape interval;
 * resolution = maxDataPoints, else panel width.
 */
export function panelInterval(input: PanelIntervalInput): IntervalValues {
  const resolution = input.maxDataPoints && input.maxDataPoints > 0 ? input.maxDataPoints : input.widthPx;
  const lowLimit = input.panelMinInterval || input.datasourceInterval || undefined;
  const range = { from: dateTime(input.fromMs), to: dateTime(input.toMs), raw: { from: '', to: '' } };
  return rangeUtil.calculateInterval(range, resolution, lowLimit ? intervalText(lowLimit) : undefined);
}

/** Grafana's default Prometheus scrape interval when the datasource sets none. */
export const DEFAULT_SCRAPE_INTERVAL = '15s';

export interface PromStepInput {
  fromMs: number;
  toMs: number;
  /** The panel-level `$__interval` (see {@link panelInterval}). */
  panelInterval: IntervalValues;
  /** Target `interval` (Prometheus "Min step"), already variable-interpolated. */
  targetInterval?: string | null;
  /** Target `intervalFactor` (legacy "Resolution"), default 1. */
  intervalFactor?: number | null;
  /** Datasource scrape interval (`jsonData.timeInterval`), default 15s. */
  scrapeInterval?: string | null;
  /** Offset of the dashboard timezone from UTC in seconds (0 for UTC). */
  utcOffsetSec?: number;
}

export interface PromStep {
  /** Query step in seconds. */
  step: number;
  /** Aligned start/end in seconds (Grafana's `alignRange`). */
  start: number;
  end: number;
  /** Built-in variables for this query, text form as Grafana scopes them. */
  vars: BuiltinVars;
}

export interface BuiltinVars {
  __interval: string;
  __interval_ms: string;
  __rate_interval: string;
  __range: string;
  __range_s: string;
  __range_ms: string;
}

/**
 * Grafana's Prometheus `adjustInterval`: max(interval × factor, min step, range / 11000),
 * the last term ceil'ed when > 1 (Prometheus refuses > 11000 points).
 */
export function adjustInterval(interval: number, minInterval: number, range: number, intervalFactor: number): number {
  let safeInterval = range / 11000;
  if (safeInterval > 1) {
    safeInterval = Math.ceil(safeInterval);
  }
  return Math.max(interval * intervalFactor, minInterval, safeInterval);
}

/**
 * Grafana's `$__rate_interval` (seconds): max($__interval + scrape, 4 × scrape);
 * a 0 scrape interval falls back to 15 s.
 */
export function rateInterval(intervalSec: number, scrapeIntervalSec: number): number {
  const scrape = scrapeIntervalSec === 0 ? 15 : scrapeIntervalSec;
  return Math.max(intervalSec + scrape, 4 * scrape);
}

/** Grafana's `getRangeScopedVars`: `$__range_ms`, `$__range_s` (rounded), `$__range` ("<s>s"). */
export function rangeVars(fromMs: number, toMs: number): Pick<BuiltinVars, '__range' | '__range_s' | '__range_ms'> {
  const msRange = toMs - fromMs;
  const sRange = Math.round(msRange / 1000);
  return { __range_ms: String(msRange), __range_s: String(sRange), __range: `${sRange}s` };
}

/** Grafana's Prometheus `alignRange`: floor start and end to multiples of the step (in the dashboard's timezone). */
export function alignRange(start: number, end: number, step: number, utcOffsetSec: number): { start: number; end: number } {
  const alignedEnd = Math.floor((end + utcOffsetSec) / step) * step - utcOffsetSec;
  const alignedStart = Math.floor((start + utcOffsetSec) / step) * step - utcOffsetSec;
  return { start: alignedStart, end: alignedEnd };
}

/**
 * The Prometheus query step and built-in variables for one target, as Grafana's Prometheus
 * datasource `createQuery` computes them:
 * - start/end = ceil(ms / 1000); range = ceil(end - start);
 * - interval = panel `$__interval` in seconds; minInterval = target `interval` or panel interval;
 * - scrape = target `interval` if set, else the datasource's scrape interval (default 15s);
 * - step = adjustInterval(interval, minInterval, range, intervalFactor);
 * - `$__rate_interval` from the unadjusted interval, recomputed (with `$__interval` as "<step>s")
 *   when the step was adjusted.
 */
export function prometheusStep(input: PromStepInput): PromStep {
  const start = Math.ceil(input.fromMs / 1000);
  const end = Math.ceil(input.toMs / 1000);
  const range = Math.ceil(end - start);
  let interval = input.panelInterval.intervalMs / 1000;
  const minInterval = input.targetInterval ? intervalToSeconds(input.targetInterval) : interval;
  const scrapeInterval = input.targetInterval
    ? intervalToSeconds(input.targetInterval)
    : intervalToSeconds(input.scrapeInterval || DEFAULT_SCRAPE_INTERVAL);
  const intervalFactor = input.intervalFactor || 1;
  const adjusted = adjustInterval(interval, minInterval, range, intervalFactor);

  let vars: BuiltinVars = {
    __interval: input.panelInterval.interval,
    __interval_ms: String(input.panelInterval.intervalMs),
    __rate_interval: `${rateInterval(interval, scrapeInterval)}s`,
    ...rangeVars(input.fromMs, input.toMs),
  };
  if (interval !== adjusted) {
    interval = adjusted;
    vars = {
      ...vars,
      __interval: `${interval}s`,
      __interval_ms: String(interval * 1000),
      __rate_interval: `${rateInterval(interval, scrapeInterval)}s`,
    };
  }
  const aligned = alignRange(start, end, interval, input.utcOffsetSec ?? 0);
  return { step: interval, start: aligned.start, end: aligned.end, vars };
}
