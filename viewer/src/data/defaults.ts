/**
 * Plugin defaults, as Grafana's `getPanelOptionsWithDefaults` applies them when a dashboard is
 * loaded: the panel plugin's option defaults and field-config defaults (standard and custom)
 * fill whatever the saved JSON leaves unset (deep merge, saved values win, arrays replaced).
 * Values follow the Grafana 13 built-in panels' `panelcfg` defaults.
 */

export type Json = Record<string, unknown>;

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

const DEFAULT_THRESHOLDS = {
  mode: 'absolute',
  steps: [
    { value: null, color: 'green' },
    { value: 80, color: 'red' },
  ],
};

const LEGEND = { showLegend: true, displayMode: 'list', placement: 'bottom', calcs: [] };
const REDUCE = { values: false, calcs: ['lastNotNull'], fields: '' };

const GRAPH_CUSTOM = {
  drawStyle: 'line',
  lineInterpolation: 'linear',
  barAlignment: 0,
  barWidthFactor: 0.6,
  lineWidth: 1,
  fillOpacity: 0,
  gradientMode: 'none',
  spanNulls: false,
  insertNulls: false,
  showPoints: 'auto',
  pointSize: 5,
  stacking: { mode: 'none', group: 'A' },
  axisPlacement: 'auto',
  axisLabel: '',
  axisColorMode: 'text',
  axisBorderShow: false,
  axisCenteredZero: false,
  scaleDistribution: { type: 'linear' },
  hideFrom: { legend: false, tooltip: false, viz: false },
  thresholdsStyle: { mode: 'off' },
};

interface PluginDefaults {
  options: Json;
  fieldConfig: Json;
}

export const PLUGIN_DEFAULTS: Record<string, PluginDefaults> = {
  timeseries: {
    options: { legend: LEGEND, tooltip: { mode: 'single', sort: 'none' } },
    fieldConfig: { color: { mode: 'palette-classic' }, thresholds: DEFAULT_THRESHOLDS, custom: GRAPH_CUSTOM },
  },
  stat: {
    options: {
      reduceOptions: REDUCE,
      orientation: 'auto',
      textMode: 'auto',
      wideLayout: true,
      colorMode: 'value',
      graphMode: 'area',
      justifyMode: 'auto',
      showPercentChange: false,
      percentChangeColorMode: 'standard',
    },
    fieldConfig: { color: { mode: 'thresholds' }, thresholds: DEFAULT_THRESHOLDS },
  },
  gauge: {
    options: {
      reduceOptions: REDUCE,
      orientation: 'auto',
      showThresholdLabels: false,
      showThresholdMarkers: true,
      sizing: 'auto',
      minVizWidth: 75,
      minVizHeight: 75,
    },
    fieldConfig: { color: { mode: 'thresholds' }, thresholds: DEFAULT_THRESHOLDS },
  },
  bargauge: {
    options: {
      reduceOptions: REDUCE,
      orientation: 'auto',
      displayMode: 'gradient',
      valueMode: 'color',
      namePlacement: 'auto',
      showUnfilled: true,
      sizing: 'auto',
      minVizWidth: 8,
      minVizHeight: 16,
      maxVizHeight: 300,
    },
    fieldConfig: { color: { mode: 'thresholds' }, thresholds: DEFAULT_THRESHOLDS },
  },
  table: {
    options: { showHeader: true, cellHeight: 'sm', footer: { show: false, reducer: ['sum'], countRows: false, fields: '' } },
    fieldConfig: {
      color: { mode: 'thresholds' },
      thresholds: DEFAULT_THRESHOLDS,
      custom: { align: 'auto', cellOptions: { type: 'auto' }, inspect: false, filterable: false },
    },
  },
  'state-timeline': {
    options: { mergeValues: true, showValue: 'auto', alignValue: 'left', rowHeight: 0.9, legend: { ...LEGEND, showLegend: true } },
    fieldConfig: {
      color: { mode: 'thresholds' },
      thresholds: DEFAULT_THRESHOLDS,
      custom: { lineWidth: 0, fillOpacity: 70, hideFrom: { legend: false, tooltip: false, viz: false } },
    },
  },
  text: { options: { mode: 'markdown', content: '', code: { language: 'plaintext', showLineNumbers: false, showMiniMap: false } }, fieldConfig: {} },
};

/** Panel options and field-config defaults with the plugin defaults filled in. */
export function withPluginDefaults(
  type: string,
  options: Json | undefined,
  defaults: Json | undefined
): { options: Json; defaults: Json } {
  const d = PLUGIN_DEFAULTS[type] ?? { options: {}, fieldConfig: {} };
  return { options: deepMerge(d.options, options), defaults: deepMerge(d.fieldConfig, defaults) };
}
