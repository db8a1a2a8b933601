/** The `state-timeline` panel: our canvas `StateTimeline` (Grafana's is not in @grafana/ui), its defaults and the values it draws. */
import { DEFAULT_THRESHOLDS, LEGEND } from '../common';
import type { PanelDescriptor, PanelProps } from '../descriptor';
import { StateTimeline } from './StateTimeline';

function StateTimelinePanel({ frames, options, width, height, timeRange, timeZone, theme }: PanelProps) {
  return (
    <StateTimeline
      frames={frames}
      width={width}
      height={height}
      fromMs={timeRange.from.valueOf()}
      toMs={timeRange.to.valueOf()}
      timeZone={timeZone}
      theme={theme}
      options={options}
    />
  );
}

export const stateTimeline: PanelDescriptor = {
  type: 'state-timeline',
  defaults: {
    options: { mergeValues: true, showValue: 'auto', alignValue: 'left', rowHeight: 0.9, legend: { ...LEGEND, showLegend: true } },
    fieldConfig: {
      color: { mode: 'thresholds' },
      thresholds: DEFAULT_THRESHOLDS,
      custom: { lineWidth: 0, fillOpacity: 70, hideFrom: { legend: false, tooltip: false, viz: false } },
    },
  },
  optionRules: {
    options: [
      { path: 'showValue', allowed: ['auto', 'always', 'never'] },
      // Value text is drawn left-aligned in each box.
      { path: 'alignValue', allowed: ['left'] },
      { path: 'legend.displayMode', allowed: ['list', 'hidden'] },
      { path: 'legend.placement', allowed: ['bottom'] },
    ],
  },
  drawsOnCanvas: true,
  runsQueries: true,
  drawsNoData: false,
  Component: StateTimelinePanel,
};
