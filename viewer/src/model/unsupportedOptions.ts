/**
 * Unsupported panel options (issue 4: "unsupported panel type or option"): saved options and
 * field-config custom settings of the supported panel types whose values the viewer does not draw
 * as Grafana would. Only values that change the look are flagged; options the viewer implements
 * (through @grafana/ui or its own panels) and options without visual effect (tooltip, links, …)
 * are not. Pure: takes the panel JSON as saved, returns human-readable `name=value` entries.
 */

type Json = Record<string, unknown>;

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

/** An enumerated setting: flagged when set to a value outside `allowed`. */
interface EnumRule {
  path: string;
  allowed: readonly unknown[];
}

/** Values @grafana/ui's TimeSeries (uPlot config builder) draws. */
const TIMESERIES_CUSTOM: EnumRule[] = [
  { path: 'drawStyle', allowed: ['line', 'bars', 'points'] },
  { path: 'lineInterpolation', allowed: ['linear', 'smooth', 'stepBefore', 'stepAfter'] },
  { path: 'gradientMode', allowed: ['none', 'opacity', 'hue', 'scheme'] },
  { path: 'showPoints', allowed: ['auto', 'never', 'always'] },
  { path: 'stacking.mode', allowed: ['none', 'normal', 'percent'] },
  { path: 'axisPlacement', allowed: ['auto', 'left', 'right', 'top', 'bottom', 'hidden'] },
  { path: 'axisColorMode', allowed: ['text', 'series'] },
  { path: 'scaleDistribution.type', allowed: ['linear', 'log', 'symlog'] },
  { path: 'thresholdsStyle.mode', allowed: ['off', 'line', 'area', 'line+area', 'dashed', 'dashed+area'] },
  { path: 'lineStyle.fill', allowed: ['solid', 'dash', 'dot', 'square'] },
  { path: 'transform', allowed: ['constant', 'negative-Y'] },
];

const TIMESERIES_OPTIONS: EnumRule[] = [
  { path: 'legend.displayMode', allowed: ['list', 'table', 'hidden'] },
  { path: 'legend.placement', allowed: ['bottom', 'right'] },
];

const STAT_OPTIONS: EnumRule[] = [
  { path: 'textMode', allowed: ['auto', 'value', 'value_and_name', 'name', 'none'] },
  { path: 'colorMode', allowed: ['value', 'background', 'background_solid', 'none'] },
  { path: 'graphMode', allowed: ['none', 'area'] },
  { path: 'justifyMode', allowed: ['auto', 'center'] },
  { path: 'orientation', allowed: ['auto', 'horizontal', 'vertical'] },
  // The percent change line is not drawn.
  { path: 'showPercentChange', allowed: [false] },
];

const BARGAUGE_OPTIONS: EnumRule[] = [
  { path: 'displayMode', allowed: ['basic', 'gradient', 'lcd'] },
  { path: 'valueMode', allowed: ['color', 'text', 'hidden'] },
  { path: 'namePlacement', allowed: ['auto', 'top', 'left', 'hidden'] },
  { path: 'orientation', allowed: ['auto', 'horizontal', 'vertical'] },
  // The legend is not drawn.
  { path: 'legend.showLegend', allowed: [false] },
];

const GAUGE_OPTIONS: EnumRule[] = [{ path: 'orientation', allowed: ['auto', 'horizontal', 'vertical'] }];

const TABLE_OPTIONS: EnumRule[] = [
  // The header is always drawn; footers, initial sorting and other frames are not.
  { path: 'showHeader', allowed: [true] },
  { path: 'footer.show', allowed: [false] },
  { path: 'cellHeight', allowed: ['sm', 'md', 'lg'] },
  { path: 'frameIndex', allowed: [0] },
  { path: 'showTypeIcons', allowed: [false] },
];

const STATE_TIMELINE_OPTIONS: EnumRule[] = [
  { path: 'showValue', allowed: ['auto', 'always', 'never'] },
  // Value text is drawn left-aligned in each box.
  { path: 'alignValue', allowed: ['left'] },
  { path: 'legend.displayMode', allowed: ['list', 'hidden'] },
  { path: 'legend.placement', allowed: ['bottom'] },
];

const TEXT_OPTIONS: EnumRule[] = [{ path: 'mode', allowed: ['markdown', 'html'] }];

const OPTION_RULES: Record<string, EnumRule[]> = {
  timeseries: TIMESERIES_OPTIONS,
  stat: STAT_OPTIONS,
  bargauge: BARGAUGE_OPTIONS,
  gauge: GAUGE_OPTIONS,
  table: TABLE_OPTIONS,
  'state-timeline': STATE_TIMELINE_OPTIONS,
  text: TEXT_OPTIONS,
};

const CUSTOM_RULES: Record<string, EnumRule[]> = {
  timeseries: TIMESERIES_CUSTOM,
};

function checkRules(obj: unknown, rules: EnumRule[], prefix: string, out: string[]): void {
  for (const r of rules) {
    const v = get(obj, r.path);
    if (v !== undefined && v !== null && !r.allowed.includes(v)) {
      out.push(`${prefix}${r.path}=${fmt(v)}`);
    }
  }
}

/** Check one `custom` object (defaults' or an override's `custom.<x>` property value) against the rules. */
function checkCustom(custom: unknown, rules: EnumRule[], prefix: string, out: string[]): void {
  checkRules(custom, rules, prefix, out);
}

/**
 * The unsupported options of a panel of a supported type, as `path=value` entries
 * (`options.textMode=…`, `fieldConfig.defaults.custom.drawStyle=…`, `override custom.drawStyle=…`), deduplicated.
 */
export function unsupportedOptions(panel: PanelOptionsLike): string[] {
  const out: string[] = [];
  checkRules(panel.options ?? {}, OPTION_RULES[panel.type] ?? [], 'options.', out);
  const customRules = CUSTOM_RULES[panel.type] ?? [];
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
