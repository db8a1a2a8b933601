/**
 * Field config: panel `fieldConfig.defaults` + `overrides` merged into each field's config, as
 * @grafana/data's `applyFieldOverrides` does when Grafana's app has filled its field-config
 * registry. Standalone that registry is empty (trap 2), so the merge itself is written here;
 * the override matchers are the library's `fieldMatchers`.
 *
 * 1. Start from the config the datasource put on the field (e.g. `displayNameFromDS`).
 * 2. `setFieldConfigDefaults`: every standard property and every `custom.*` key that is unset
 *    (null/undefined) on the field takes the panel default. Standard properties `min`, `max`,
 *    `decimals` apply to number fields only (the standard registry's `shouldApply`); the rest
 *    to every field. Custom properties are filled key by key (`custom.lineWidth`,
 *    `custom.hideFrom`, …: each key is one registry item, whole value).
 *    Then the library's `validateFieldConfig`: thresholds without color → color mode
 *    "thresholds"; a color without mode is dropped; min > max are swapped.
 * 3. Overrides in order, each rule whose matcher (`fieldMatchers`: byName, byRegexp, byFrameRefID,
 *    byType, …) accepts the field; its properties in order (`setDynamicConfigValue`): the value
 *    at the property's path (`unit`, `thresholds`, `custom.lineWidth`, …) is replaced — objects
 *    such as `thresholds` or `color` are never deep-merged, later rules win — except array
 *    values (`mappings`, `links`), which Grafana prepends to the existing array
 *    (`[...override, ...existing]`). A null/undefined value removes the property. Rules with an
 *    unknown matcher id are skipped, as the library does.
 * Thresholds get Grafana's load-time fix (`normalizeThresholds`) in defaults and overrides.
 */
import {
  type DataFrame,
  type Field,
  type FieldMatcher,
  fieldMatchers,
  FieldType,
  sortThresholds,
  type Threshold,
  type ThresholdsConfig,
  ThresholdsMode,
  validateFieldConfig,
} from '@grafana/data';

export type FieldConfig = Record<string, unknown> & {
  custom?: Record<string, unknown>;
};

export interface MatcherConfig {
  id: string;
  options?: unknown;
}

export interface DynamicConfigValue {
  id: string;
  value?: unknown;
}

export interface ConfigOverrideRule {
  matcher: MatcherConfig;
  properties: DynamicConfigValue[];
}

export interface FieldConfigSource {
  defaults?: FieldConfig;
  overrides?: ConfigOverrideRule[];
}

/** Standard (non-custom) properties, in the order of Grafana's standard registry. */
export const STANDARD_PROPERTIES = [
  'displayName',
  'unit',
  'min',
  'max',
  'fieldMinMax',
  'decimals',
  'noValue',
  'links',
  'actions',
  'mappings',
  'thresholds',
  'color',
  'filterable',
  'description',
  'path',
  'interval',
] as const;

const NUMBER_ONLY = new Set(['min', 'max', 'decimals', 'fieldMinMax']);

function shouldApply(prop: string, field: Field): boolean {
  return NUMBER_ONLY.has(prop) ? field.type === FieldType.number : true;
}

function clone<T>(v: T): T {
  if (v === undefined) {
    return v;
  }
  return structuredClone(v);
}

/**
 * Thresholds as Grafana's app fixes them on load (its `fixThresholds`, not in the library, which
 * only fixes a null base step): default mode absolute, missing steps → [], the base step
 * (steps[0], stored as null in JSON) and any null value → -Infinity, steps sorted ascending
 * (`sortThresholds`). Returns a copy.
 */
export function normalizeThresholds(
  input: { mode?: string; steps?: Array<{ value: number | null; color: string; state?: string }> } | undefined | null
): ThresholdsConfig {
  const mode = input?.mode === 'percentage' ? ThresholdsMode.Percentage : ThresholdsMode.Absolute;
  const steps: Threshold[] = (input?.steps ?? []).map((s, i) => ({
    ...s,
    value: i === 0 || s.value === null || s.value === undefined ? -Infinity : Number(s.value),
  }));
  return { mode, steps: sortThresholds(steps) };
}

/** Prepare a thresholds value as Grafana does on load (`fixThresholds`). */
function processValue(prop: string, value: unknown): unknown {
  if (prop === 'thresholds' && value && typeof value === 'object') {
    return normalizeThresholds(value as Parameters<typeof normalizeThresholds>[0]);
  }
  if ((prop === 'min' || prop === 'max' || prop === 'decimals') && typeof value === 'string') {
    const n = parseFloat(value);
    return isNaN(n) ? undefined : n;
  }
  return clone(value);
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let cur = target;
  for (let i = 0; i < path.length - 1; i++) {
    const next = cur[path[i]];
    if (!next || typeof next !== 'object') {
      cur[path[i]] = {};
    }
    cur = cur[path[i]] as Record<string, unknown>;
  }
  cur[path[path.length - 1]] = value;
}

function getPath(target: Record<string, unknown> | undefined, path: string[]): unknown {
  let cur: unknown = target;
  for (const p of path) {
    if (!cur || typeof cur !== 'object') {
      return undefined;
    }
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

function unsetPath(target: Record<string, unknown>, path: string[]): void {
  const parent = getPath(target, path.slice(0, -1));
  if (parent && typeof parent === 'object') {
    delete (parent as Record<string, unknown>)[path[path.length - 1]];
  }
}

/** Grafana's `setFieldConfigDefaults` for one field (mutates `config`). */
export function setFieldConfigDefaults(config: FieldConfig, defaults: FieldConfig, field: Field): void {
  if (Array.isArray(config.links) && Array.isArray(defaults.links)) {
    config.links = [...config.links, ...clone(defaults.links)];
  }
  const keys = new Set<string>([...STANDARD_PROPERTIES, ...Object.keys(defaults).filter((k) => k !== 'custom')]);
  for (const key of keys) {
    if (config[key] == null && defaults[key] != null && shouldApply(key, field)) {
      const v = processValue(key, defaults[key]);
      if (v != null) {
        config[key] = v;
      }
    }
  }
  config.custom ??= {};
  const customDefaults = defaults.custom ?? {};
  for (const key of Object.keys(customDefaults)) {
    if (config.custom[key] == null && customDefaults[key] != null) {
      config.custom[key] = clone(customDefaults[key]);
    }
  }
  validateFieldConfig(config as never);
}

/** Grafana's `setDynamicConfigValue` (mutates `config`). `id` may be nested: `custom.lineWidth`. */
export function setDynamicConfigValue(config: FieldConfig, prop: DynamicConfigValue): void {
  const path = prop.id.split('.');
  let val = processValue(path[path.length - 1], prop.value);
  if (val === undefined || val === null) {
    unsetPath(config, path);
    return;
  }
  if (Array.isArray(val)) {
    const existing = getPath(config, path);
    if (Array.isArray(existing)) {
      val = [...val, ...existing];
    }
  }
  setPath(config, path, val);
}

/**
 * The effective config of every field of every frame: DS config, then panel defaults, then
 * overrides (see the module comment). Returns configs parallel to `frames[i].fields[j]`;
 * the frames' configs are not changed.
 */
export function applyFieldConfig(frames: DataFrame[], source: FieldConfigSource): FieldConfig[][] {
  const defaults = source.defaults ?? {};
  const rules: Array<{ match: FieldMatcher; properties: DynamicConfigValue[] }> = [];
  for (const rule of source.overrides ?? []) {
    const info = fieldMatchers.getIfExists(rule.matcher.id);
    if (info) {
      rules.push({ match: info.get(rule.matcher.options), properties: rule.properties ?? [] });
    }
  }
  return frames.map((frame) =>
    frame.fields.map((field) => {
      const config = clone(field.config ?? {}) as FieldConfig;
      setFieldConfigDefaults(config, defaults, field);
      for (const rule of rules) {
        if (rule.match(field, frame, frames)) {
          for (const prop of rule.properties) {
            setDynamicConfigValue(config, prop);
          }
        }
      }
      return config;
    })
  );
}
