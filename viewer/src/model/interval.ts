/**
 * Query interval / step calculation, faithful to Grafana.
 *
 * Sources (Grafana 13, mirrored by @grafana/data 13.2.3 `datetime/rangeutil`):
 * - `rangeutil.describeInterval`, `intervalToSeconds`, `intervalToMs`, `secondsToHms`,
 *   `roundInterval`, `calculateInterval` — reproduced below with the same tables.
 * - Panel query runner: `lowerIntervalLimit = panel.interval (Min interval) || datasource.interval`,
 *   `norm = calculateInterval(range, maxDataPoints, lowerIntervalLimit)`, `maxDataPoints` being the
 *   panel's `maxDataPoints` or else its width in pixels; `$__interval = norm.interval`,
 *   `$__interval_ms = norm.intervalMs`.
 * - Prometheus datasource `createQuery` / `adjustInterval` / `getRateIntervalScopedVariable` /
 *   `getRangeScopedVars` / `alignRange`.
 */

/** Seconds per interval unit, as in Grafana's `rangeutil.intervals_in_seconds`. */
export const INTERVALS_IN_SECONDS: Readonly<Record<string, number>> = {
  y: 31536000,
  M: 2592000,
  w: 604800,
  d: 86400,
  h: 3600,
  m: 60,
  s: 1,
  ms: 0.001,
};

const INTERVAL_REGEX = /^(-?\d+(?:\.\d+)?)(ms|[Mwdhmsy])/;

export interface IntervalDescription {
  sec: number;
  type: string;
  count: number;
}

/**
 * Grafana's `describeInterval`: a unit-less number means seconds; otherwise `<int><unit>`
 * with unit one of y M w d h m s ms. Note: like Grafana, the count is parsed with parseInt,
 * so `1.5m` is 1 minute. A leading `>` (Grafana's "min interval" marker) is accepted and dropped.
 * Throws on anything else, with Grafana's message.
 */
export function describeInterval(input: string): IntervalDescription {
  const str = input.trim().replace(/^>/, '');
  if (Number(str)) {
    return { sec: INTERVALS_IN_SECONDS.s, type: 's', count: parseInt(str, 10) };
  }
  const matches = str.match(INTERVAL_REGEX);
  if (!matches) {
    throw new Error(
      `Invalid interval string, has to be either unit-less or end with one of the following units: "${Object.keys(
        INTERVALS_IN_SECONDS
      ).join(', ')}"`
    );
  }
  return { sec: INTERVALS_IN_SECONDS[matches[2]], type: matches[2], count: parseInt(matches[1], 10) };
}

/** Grafana's `intervalToSeconds` ("1m" → 60, "500ms" → 0.5, "30" → 30). */
export function intervalToSeconds(str: string): number {
  const info = describeInterval(str);
  return info.sec * info.count;
}

/** Grafana's `intervalToMs` ("1m" → 60000). */
export function intervalToMs(str: string): number {
  const info = describeInterval(str);
  return info.sec * 1000 * info.count;
}

/**
 * Grafana's `secondsToHms`: the largest whole unit only (90 → "1m", 3600 → "1h",
 * 0.5 → "500ms"), as used for `$__interval` text.
 */
export function secondsToHms(seconds: number): string {
  const numYears = Math.floor(seconds / 31536000);
  if (numYears) {
    return numYears + 'y';
  }
  const numDays = Math.floor((seconds % 31536000) / 86400);
  if (numDays) {
    return numDays + 'd';
  }
  const numHours = Math.floor(((seconds % 31536000) % 86400) / 3600);
  if (numHours) {
    return numHours + 'h';
  }
  const numMinutes = Math.floor((((seconds % 31536000) % 86400) % 3600) / 60);
  if (numMinutes) {
    return numMinutes + 'm';
  }
  const numSeconds = Math.floor((((seconds % 31536000) % 86400) % 3600) % 60);
  if (numSeconds) {
    return numSeconds + 's';
  }
  const numMilliseconds = Math.floor(seconds * 1000.0);
  if (numMilliseconds) {
    return numMilliseconds + 'ms';
  }
  return 'less than a millisecond';
}

/**
 * Grafana's `roundInterval` table: [upper bound (exclusive), rounded value], both in ms.
 * Anything at or above the last bound rounds to 1 year.
 */
const ROUND_TABLE: ReadonlyArray<readonly [number, number]> = [
  [10, 1], // 0.001s
  [15, 10], // 0.01s
  [35, 20], // 0.02s
  [75, 50], // 0.05s
  [150, 100], // 0.1s
  [350, 200], // 0.2s
  [750, 500], // 0.5s
  [1500, 1000], // 1s
  [3500, 2000], // 2s
  [7500, 5000], // 5s
  [12500, 10000], // 10s
  [17500, 15000], // 15s
  [25000, 20000], // 20s
  [45000, 30000], // 30s
  [90000, 60000], // 1m
  [210000, 120000], // 2m
  [450000, 300000], // 5m
  [750000, 600000], // 10m
  [1050000, 900000], // 15m
  [1500000, 1200000], // 20m
  [2700000, 1800000], // 30m
  [5400000, 3600000], // 1h
  [9000000, 7200000], // 2h
  [16200000, 10800000], // 3h
  [32400000, 21600000], // 6h
  [86400000, 43200000], // 12h
  [604800000, 86400000], // 1d
  [1814400000, 604800000], // 1w
  [3628800000, 2592000000], // 30d
];

/** Grafana's `roundInterval(ms)`: snap a raw interval to a "nice" one (e.g. 40000 → 30000). */
export function roundInterval(intervalMs: number): number {
  for (const [bound, value] of ROUND_TABLE) {
    if (intervalMs < bound) {
      return value;
    }
  }
  return 31536000000; // 1y
}

export interface IntervalValues {
  /** e.g. "1m" */
  interval: string;
  intervalMs: number;
}

/**
 * Grafana's `rangeutil.calculateInterval(range, resolution, lowLimitInterval)`:
 * roundInterval(rangeMs / resolution), raised to the low limit (default 1 ms).
 */
export function calculateInterval(rangeMs: number, resolution: number, lowLimitInterval?: string): IntervalValues {
  let lowLimitMs = 1;
  if (lowLimitInterval) {
    lowLimitMs = intervalToMs(lowLimitInterval);
  }
  let intervalMs = roundInterval(rangeMs / resolution);
  if (lowLimitMs > intervalMs) {
    intervalMs = lowLimitMs;
  }
  return { intervalMs, interval: secondsToHms(intervalMs / 1000) };
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
  return calculateInterval(input.toMs - input.fromMs, resolution, lowLimit);
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

/**
 * Format a duration in ms the way Grafana writes intervals: the largest whole unit
 * (`secondsToHms`), e.g. 60000 → "1m", 30000 → "30s", 7200000 → "2h".
 */
export function formatInterval(ms: number): string {
  return secondsToHms(ms / 1000);
}
