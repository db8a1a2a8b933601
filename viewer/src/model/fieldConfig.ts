/**
 * Field config: panel `fieldConfig.defaults` + `overrides` merged into each field's config,
 * faithful to @grafana/data `field/fieldOverrides` (`applyFieldOverrides`):
 *
 * 1. Start from the config the datasource put on the field (e.g. `displayNameFromDS`).
 * 2. `setFieldConfigDefaults`: every standard property and every `custom.*` key that is unset
 *    (null/undefined) on the field takes the panel default. Standard properties `min`, `max`,
 *    `decimals` apply to number fields only (the standard registry's `shouldApply`); the rest
 *    to every field. Custom properties are filled key by key (`custom.lineWidth`,
 *    `custom.hideFrom`, …: each key is one registry item, whole value).
 *    Then `validateFieldConfig`: thresholds without color → color mode "thresholds"; a color
 *    without mode is dropped; min > max are swapped.
 * 3. Overrides in order; each matching rule's properties in order (`setDynamicConfigValue`):
 *    the value at the property's path (`unit`, `thresholds`, `custom.lineWidth`, …) is
 *    replaced — objects such as `thresholds` or `color` are never deep-merged, later rules
 *    win — except array values (`mappings`, `links`), which Grafana prepends to the existing
 *    array (`[...override, ...existing]`). A null/undefined value removes the property.
 *
 * Matchers (transformations/matchers): `byName` (field name or display name), `byNames`
 * (include/exclude), `byRegexp` (display name through `stringToJsRegex`), `byRegexpOrNames`,
 * `byFrameRefID` (the frame's refId), `byType` (field type).
 * Thresholds' base step is made -Infinity (Grafana's `fixThresholds`) in defaults and overrides.
 */
import { stringToJsRegex } from './mappings';
import { normalizeThresholds } from './thresholds';

export type FieldType = 'time' | 'number' | 'string' | 'boolean' | 'other' | 'enum' | 'frame' | string;

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

export interface FieldRef {
  name: string;
  type: FieldType;
  /** Grafana's computed display name (legend name); defaults to `name`. */
  displayName?: string;
  labels?: Record<string, string>;
  /** Config set by the datasource; never mutated. */
  config?: FieldConfig;
}

export interface FrameRef {
  refId?: string;
  fields: FieldRef[];
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

function shouldApply(prop: string, field: FieldRef): boolean {
  return NUMBER_ONLY.has(prop) ? field.type === 'number' : true;
}

function clone<T>(v: T): T {
  if (v === undefined) {
    return v;
  }
  return structuredClone(v);
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

/** Does a field match an override matcher? */
export function fieldMatches(matcher: MatcherConfig, field: FieldRef, frame: FrameRef): boolean {
  const displayName = field.displayName ?? field.name;
  switch (matcher.id) {
    case 'byName': {
      const name = matcher.options as string;
      return name === field.name || name === displayName;
    }
    case 'byNames': {
      const opts = (matcher.options ?? {}) as { names?: string[]; mode?: 'include' | 'exclude' };
      const names = new Set(opts.names ?? []);
      const hit = names.has(field.name) || names.has(displayName);
      return opts.mode === 'exclude' ? !hit : hit;
    }
    case 'byRegexp': {
      const pattern = matcher.options as string;
      if (!pattern) {
        return false;
      }
      try {
        return stringToJsRegex(pattern).test(displayName);
      } catch {
        return false;
      }
    }
    case 'byRegexpOrNames': {
      const opts = (matcher.options ?? {}) as { pattern?: string; names?: string[] };
      return (
        fieldMatches({ id: 'byNames', options: { names: opts.names ?? [] } }, field, frame) ||
        fieldMatches({ id: 'byRegexp', options: opts.pattern ?? '' }, field, frame)
      );
    }
    case 'byFrameRefID':
      return frame.refId === matcher.options;
    case 'byType':
      return field.type === matcher.options;
    default:
      return false;
  }
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

/** Grafana's `validateFieldConfig`. */
export function validateFieldConfig(config: FieldConfig): void {
  const color = config.color as { mode?: string } | undefined;
  if (!color) {
    if (config.thresholds) {
      config.color = { mode: 'thresholds' };
    }
  } else if (!color.mode) {
    delete config.color;
  }
  if (typeof config.min === 'number' && typeof config.max === 'number' && config.min > config.max) {
    const tmp = config.max;
    config.max = config.min;
    config.min = tmp;
  }
}

/** Grafana's `setFieldConfigDefaults` for one field (mutates `config`). */
export function setFieldConfigDefaults(config: FieldConfig, defaults: FieldConfig, field: FieldRef): void {
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
  validateFieldConfig(config);
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
 * overrides (see the module comment). Returns configs parallel to `frames[i].fields[j]`.
 */
export function applyFieldConfig(frames: FrameRef[], source: FieldConfigSource): FieldConfig[][] {
  const defaults = source.defaults ?? {};
  const overrides = source.overrides ?? [];
  return frames.map((frame) =>
    frame.fields.map((field) => {
      const config: FieldConfig = clone(field.config ?? {}) as FieldConfig;
      setFieldConfigDefaults(config, defaults, field);
      for (const rule of overrides) {
        if (fieldMatches(rule.matcher, field, frame)) {
          for (const prop of rule.properties ?? []) {
            setDynamicConfigValue(config, prop);
          }
        }
      }
      return config;
    })
  );
}

/** Convenience: the effective config of a single field in a frame. */
export function fieldConfigFor(field: FieldRef, frame: FrameRef, source: FieldConfigSource): FieldConfig {
  const idx = frame.fields.indexOf(field);
  const frameOnly: FrameRef = { ...frame, fields: [idx >= 0 ? frame.fields[idx] : field] };
  return applyFieldConfig([frameOnly], source)[0][0];
}
