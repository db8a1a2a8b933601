/**
 * What one panel type is to the viewer: the shape every `panels/<type>/index.tsx` exports and
 * `registry.ts` lists. The page, the plugin defaults, the unsupported-option check and the
 * ready logic read these fields and know nothing else about panel types.
 */
import type { ComponentType } from 'react';

import type { DataFrame, GrafanaTheme2, InterpolateFunction, TimeRange } from '@grafana/data';

import type { FieldConfigSource } from '../model/fieldConfig';

export type Json = Record<string, unknown>;

/** Panel options as the component gets them (saved values over the plugin defaults). */
export type PanelOptions = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** What the page hands every panel component. */
export interface PanelProps {
  frames: DataFrame[];
  options: PanelOptions;
  fieldConfig: FieldConfigSource;
  width: number;
  height: number;
  timeRange: TimeRange;
  timeZone: string;
  theme: GrafanaTheme2;
  replaceVariables: InterpolateFunction;
}

/** An enumerated setting at `path` (dot-separated): a saved value outside `allowed` is unsupported. */
export interface OptionRule {
  path: string;
  allowed: readonly unknown[];
}

export interface PanelDescriptor {
  /** The panel JSON's `type`. */
  type: string;
  /**
   * Grafana 13's plugin defaults (the built-in panel's `panelcfg`), filled in wherever the saved
   * JSON leaves a value unset: `options`, and `fieldConfig` = the field-config defaults.
   */
  defaults: { options: Json; fieldConfig: Json };
  /**
   * Values the component draws as Grafana does: `options` rules apply to the panel options,
   * `custom` rules to `fieldConfig.defaults.custom` and to overrides' `custom.*` properties.
   * Only values that change the look are listed.
   */
  optionRules: { options: readonly OptionRule[]; custom?: readonly OptionRule[] };
  /** The component draws on a canvas: the panel counts as drawn once a sized canvas exists. */
  drawsOnCanvas: boolean;
  /** False when the panel is drawn from its options alone (no queries are run). */
  runsQueries: boolean;
  /** The component draws an empty result itself (Grafana's stat shows its no-value text); else the page writes "No data". */
  drawsNoData: boolean;
  Component: ComponentType<PanelProps>;
}
