/**
 * Threshold resolution, faithful to @grafana/data `field/thresholds` and the display processor:
 * - Steps are sorted ascending; the first (base) step's value is -Infinity (JSON stores it as
 *   null; Grafana's `fixThresholds` forces steps[0].value = -Infinity on load).
 * - `getActiveThreshold`: the last step whose value <= the value, scanning in order and
 *   stopping at the first larger step; with no steps, the fallback `{value: 0, color: FALLBACK}`.
 * - Percentage mode: the value compared is `percent × 100`, where percent =
 *   (value − min) / (max − min) of the field's range.
 * - Colors are names or hex/rgb strings resolved through the theme's visualization palette
 *   (`theme.visualization.getColorByName`), passed in here as a function.
 */

export type ThresholdsMode = 'absolute' | 'percentage';

export interface Threshold {
  value: number;
  color: string;
  state?: string;
}

export interface ThresholdsConfig {
  mode: ThresholdsMode;
  steps: Threshold[];
}

/** Grafana's FALLBACK_COLOR. */
export const FALLBACK_COLOR = '#808080';

/** Grafana's `fallBackThreshold`. */
export const FALLBACK_THRESHOLD: Threshold = { value: 0, color: FALLBACK_COLOR };

/** Resolves a Grafana color name ("green", "semi-dark-red", "#ff0000", "text") to CSS. */
export type ColorResolver = (name: string) => string;

/**
 * Grafana's `fixThresholds` + sort: default mode absolute, missing steps → [], base step
 * (steps[0], stored as null in JSON) → -Infinity, steps sorted ascending. Returns a copy.
 */
export function normalizeThresholds(input: Partial<ThresholdsConfig> | { mode?: string; steps?: Array<{ value: number | null; color: string }> } | undefined | null): ThresholdsConfig {
  const mode: ThresholdsMode = input?.mode === 'percentage' ? 'percentage' : 'absolute';
  const raw = input?.steps ?? [];
  const steps: Threshold[] = raw.map((s, i) => ({
    ...s,
    value: i === 0 ? -Infinity : s.value === null || s.value === undefined ? -Infinity : Number(s.value),
  }));
  steps.sort((a, b) => a.value - b.value);
  return { mode, steps };
}

/** Grafana's `getActiveThreshold(value, steps)`. */
export function getActiveThreshold(value: number, steps: Threshold[] | undefined): Threshold {
  if (!steps || steps.length === 0) {
    return FALLBACK_THRESHOLD;
  }
  let active = steps[0];
  for (const step of steps) {
    if (value >= step.value) {
      active = step;
    } else {
      break;
    }
  }
  return active;
}

/**
 * Grafana's `getActiveThresholdForValue`: percentage mode compares `percent × 100`,
 * absolute mode compares the value itself.
 */
export function getActiveThresholdForValue(
  thresholds: ThresholdsConfig | undefined,
  value: number,
  percent: number
): Threshold {
  if (thresholds?.mode === 'percentage') {
    return getActiveThreshold(percent * 100, thresholds.steps);
  }
  return getActiveThreshold(value, thresholds?.steps);
}

/** (value − min) / (max − min), as the display processor computes `percent`. */
export function valuePercent(value: number, min: number, max: number): number {
  return (value - min) / (max - min);
}

/**
 * The CSS color of `value` under `thresholds`, with `min`/`max` giving the range for
 * percentage mode, resolved through the theme (`getColorByName`).
 */
export function thresholdColor(
  value: number,
  thresholds: ThresholdsConfig | undefined,
  range: { min: number; max: number },
  getColorByName: ColorResolver
): string {
  const t = getActiveThresholdForValue(thresholds, value, valuePercent(value, range.min, range.max));
  return getColorByName(t.color);
}

/**
 * The absolute value of each step (percentage steps scaled into min..max), as Grafana's
 * time series draws threshold lines/areas (`getThresholdsDrawHook` → scale by range).
 */
export function absoluteStepValues(thresholds: ThresholdsConfig, range: { min: number; max: number }): number[] {
  return thresholds.steps.map((s) =>
    thresholds.mode === 'percentage' && Number.isFinite(s.value)
      ? range.min + ((range.max - range.min) * s.value) / 100
      : s.value
  );
}
