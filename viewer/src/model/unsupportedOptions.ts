/**
 * Unsupported panel options (reported as "unsupported panel type or option"): saved options and
 * field-config custom settings of the supported panel types whose values the viewer does not draw
 * as Grafana would. The rules are each panel descriptor's `optionRules` (`panels/registry.ts`);
 * this file only applies them. Takes the panel JSON as saved, returns human-readable
 * `name=value` entries.
 */
import type { Json, OptionRule } from '../panels/descriptor';
import { panelDescriptor } from '../panels/registry';

export interface PanelOptionsLike {
  type: string;
  options?: Json | null;
  fieldConfig?: { defaults?: Json | null; overrides?: Array<{ properties?: Array<{ id: string; value?: unknown }> }> | null } | null;
}

function get(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const k of path.split('.')) {
    if (typeof cur !== 'object' || cur === null) {
      return undefined;
    }
    cur = (cur as Json)[k];
  }
  return cur;
}

function fmt(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function checkRules(obj: unknown, rules: readonly OptionRule[], prefix: string, out: string[]): void {
  for (const r of rules) {
    const v = get(obj, r.path);
    if (v !== undefined && v !== null && !r.allowed.includes(v)) {
      out.push(`${prefix}${r.path}=${fmt(v)}`);
    }
  }
}

/** Check one `custom` object (defaults' or an override's `custom.<x>` property value) against the rules. */
function checkCustom(custom: unknown, rules: readonly OptionRule[], prefix: string, out: string[]): void {
  checkRules(custom, rules, prefix, out);
}

/**
 * The unsupported options of a panel of a supported type, as `path=value` entries
 * (`options.textMode=…`, `fieldConfig.defaults.custom.drawStyle=…`, `override custom.drawStyle=…`), deduplicated.
 */
export function unsupportedOptions(panel: PanelOptionsLike): string[] {
  const out: string[] = [];
  const rules = panelDescriptor(panel.type)?.optionRules;
  checkRules(panel.options ?? {}, rules?.options ?? [], 'options.', out);
  const customRules = rules?.custom ?? [];
  if (customRules.length) {
    checkCustom(panel.fieldConfig?.defaults?.custom, customRules, 'fieldConfig.defaults.custom.', out);
    for (const o of panel.fieldConfig?.overrides ?? []) {
      for (const p of o.properties ?? []) {
        if (!p.id.startsWith('custom.')) {
          continue;
        }
        // Rebuild the custom object the property sets, e.g. custom.stacking = {mode: …} or custom.drawStyle = 'x'.
        const custom: Json = {};
        let cur: Json = custom;
        const keys = p.id.slice('custom.'.length).split('.');
        keys.forEach((k, i) => {
          if (i === keys.length - 1) {
            cur[k] = p.value;
          } else {
            cur = cur[k] = {} as Json;
          }
        });
        checkCustom(custom, customRules, 'override custom.', out);
      }
    }
  }
  return [...new Set(out)];
}

/**
 * One message for a panel's unsupported transformations and options, or undefined when it has none.
 */
export function unsupportedMessage(transformations: string[], options: string[]): string | undefined {
  const parts: string[] = [];
  if (transformations.length) {
    parts.push(`Unsupported transformation: ${transformations.join(', ')}`);
  }
  if (options.length) {
    parts.push(`Unsupported option${options.length > 1 ? 's' : ''}: ${options.join(', ')}`);
  }
  return parts.length ? parts.join('; ') : undefined;
}
