/** The `gauge` panel: a `VizRepeater` of our SVG `RadialGauge` (Grafana's gauge is not in @grafana/ui), its defaults and the values it draws. */
import type { FieldDisplay } from '@grafana/data';
import { VizRepeater } from '@grafana/ui';

import { DEFAULT_THRESHOLDS, displayValues, ORIENTATION_RULE, orientationOf, REDUCE } from '../common';
import type { PanelDescriptor, PanelProps } from '../descriptor';
import { RadialGauge } from './RadialGauge';

function GaugePanel(props: PanelProps) {
  const { frames, options, width, height, theme } = props;
  return (
    <VizRepeater<FieldDisplay>
      source={frames}
      renderCounter={0}
      width={width}
      height={height}
      itemSpacing={8}
      autoGrid={true}
      minVizWidth={options.minVizWidth}
      minVizHeight={options.minVizHeight}
      orientation={orientationOf(options.orientation)}
      getValues={() => displayValues(props, false)}
      renderValue={({ value, width: w, height: h, count }) => (
        <RadialGauge
          width={w}
          height={h}
          value={value.display}
          field={value.field}
          theme={theme}
          showThresholdMarkers={options.showThresholdMarkers !== false}
          showThresholdLabels={Boolean(options.showThresholdLabels)}
          showName={count > 1}
        />
      )}
    />
  );
}

export const gauge: PanelDescriptor = {
  type: 'gauge',
  defaults: {
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
  optionRules: { options: [ORIENTATION_RULE] },
  drawsOnCanvas: false,
  runsQueries: true,
  drawsNoData: false,
  Component: GaugePanel,
};
