/**
 * Plugin defaults applied, as Grafana's `getPanelOptionsWithDefaults` does when a dashboard is
 * loaded: the panel type's option defaults and field-config defaults (standard and custom; the
 * values are each panel descriptor's `defaults`, see `panels/registry.ts`) fill whatever the
 * saved JSON leaves unset (deep merge, saved values win, arrays replaced). Grafana's function
 * lives in its app, not in the library.
 */
import type { Json } from '../panels/descriptor';
import { panelDescriptor } from '../panels/registry';

export type { Json };

function isPlainObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep merge: `override` wins; plain objects merged key by key; arrays and scalars replaced; null keeps base. */
export function deepMerge<T extends Json>(base: T, override: Json | undefined | null): T {
  if (!override) {
    return structuredClone(base);
  }
  const out: Json = structuredClone(base);
  for (const [k, v] of Object.entries(override)) {
    if (v === undefined || v === null) {
      continue;
    }
    if (isPlainObject(v) && isPlainObject(out[k])) {
      out[k] = deepMerge(out[k] as Json, v);
    } else {
      out[k] = structuredClone(v);
    }
  }
  return out as T;
}

/** Panel options and field-config defaults with the plugin defaults filled in (none for types the registry does not list). */
export function withPluginDefaults(
  type: string,
  options: Json | undefined,
  defaults: Json | undefined
): { options: Json; defaults: Json } {
  const d = panelDescriptor(type)?.defaults ?? { options: {}, fieldConfig: {} };
  return { options: deepMerge(d.options, options), defaults: deepMerge(d.fieldConfig, defaults) };
}
