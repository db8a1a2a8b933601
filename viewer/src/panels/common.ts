/**
 * Pieces several panel types share: Grafana 13's common option / field-config defaults
 * (thresholds, legend, reduce options) and the single-value panels' helpers (orientation,
 * `getFieldDisplayValues` as Grafana's stat, gauge and bar gauge panels call it).
 */
import { type FieldDisplay, getFieldDisplayValues, VizOrientation } from '@grafana/data';

import type { OptionRule, PanelProps } from './descriptor';

/** The default thresholds every built-in panel starts with: green, red from 80. */
export const DEFAULT_THRESHOLDS = {
  mode: 'absolute',
  steps: [
    { value: null, color: 'green' },
    { value: 80, color: 'red' },
  ],
};

/** `VizLegendOptions` defaults. */
export const LEGEND = { showLegend: true, displayMode: 'list', placement: 'bottom', calcs: [] };

/** `ReduceDataOptions` defaults of the single-value panels. */
export const REDUCE = { values: false, calcs: ['lastNotNull'], fields: '' };

export const ORIENTATION_RULE: OptionRule = { path: 'orientation', allowed: ['auto', 'horizontal', 'vertical'] };

export function orientationOf(o: unknown): VizOrientation {
  return o === 'horizontal' ? VizOrientation.Horizontal : o === 'vertical' ? VizOrientation.Vertical : VizOrientation.Auto;
}

/** One display value per reduced field (the field config is already applied to the frames). */
export function displayValues(props: PanelProps, sparkline: boolean): FieldDisplay[] {
  return getFieldDisplayValues({
    data: props.frames,
    reduceOptions: props.options.reduceOptions,
    fieldConfig: { defaults: {}, overrides: [] },
    replaceVariables: props.replaceVariables,
    theme: props.theme,
    timeZone: props.timeZone,
    sparkline,
  });
}
