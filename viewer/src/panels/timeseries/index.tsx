/** The `timeseries` panel: @grafana/ui's `TimeSeries` (uPlot, on a canvas), its defaults and the values it draws. */
import { TimeSeries } from '@grafana/ui';

import { DEFAULT_THRESHOLDS, LEGEND } from '../common';
import type { PanelDescriptor, PanelProps } from '../descriptor';

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

function TimeSeriesPanel({ frames, options, width, height, timeRange, timeZone }: PanelProps) {
  return (
    <TimeSeries frames={frames} width={width} height={height} timeRange={timeRange} timeZone={timeZone} legend={options.legend} options={options} />
  );
}

export const timeseries: PanelDescriptor = {
  type: 'timeseries',
  defaults: {
    options: { legend: LEGEND, tooltip: { mode: 'single', sort: 'none' } },
    fieldConfig: { color: { mode: 'palette-classic' }, thresholds: DEFAULT_THRESHOLDS, custom: GRAPH_CUSTOM },
  },
  optionRules: {
    options: [
      { path: 'legend.displayMode', allowed: ['list', 'table', 'hidden'] },
      { path: 'legend.placement', allowed: ['bottom', 'right'] },
    ],
    // Values @grafana/ui's TimeSeries (uPlot config builder) draws.
    custom: [
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
    ],
  },
  drawsOnCanvas: true,
  runsQueries: true,
  drawsNoData: false,
  Component: TimeSeriesPanel,
};
