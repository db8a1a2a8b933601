/** The `bargauge` panel: @grafana/ui's `VizRepeater` of `BarGauge`s, its defaults and the values it draws. */
import { type FieldDisplay, getDisplayValueAlignmentFactors } from '@grafana/data';
import { BarGauge, VizRepeater } from '@grafana/ui';

import { DEFAULT_THRESHOLDS, displayValues, ORIENTATION_RULE, orientationOf, REDUCE } from '../common';
import type { PanelDescriptor, PanelProps } from '../descriptor';

function BarGaugePanel(props: PanelProps) {
  const { frames, options, width, height, theme } = props;
  return (
    <VizRepeater<FieldDisplay, ReturnType<typeof getDisplayValueAlignmentFactors>>
      source={frames}
      renderCounter={0}
      width={width}
      height={height}
      itemSpacing={8}
      minVizWidth={options.minVizWidth}
      minVizHeight={options.minVizHeight}
      maxVizHeight={options.maxVizHeight}
      orientation={orientationOf(options.orientation)}
      getValues={() => displayValues(props, false)}
      getAlignmentFactors={getDisplayValueAlignmentFactors}
      renderValue={({ value, width: w, height: h, alignmentFactors, orientation, count }) => (
        <BarGauge
          value={value.display}
          width={w}
          height={h}
          orientation={orientation}
          field={value.field}
          text={options.text}
          displayMode={options.displayMode}
          showUnfilled={options.showUnfilled}
          valueDisplayMode={options.valueMode}
          namePlacement={options.namePlacement}
          alignmentFactors={count > 1 ? alignmentFactors : undefined}
          itemSpacing={8}
          theme={theme}
        />
      )}
    />
  );
}

export const bargauge: PanelDescriptor = {
  type: 'bargauge',
  defaults: {
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
  optionRules: {
    options: [
      { path: 'displayMode', allowed: ['basic', 'gradient', 'lcd'] },
      { path: 'valueMode', allowed: ['color', 'text', 'hidden'] },
      { path: 'namePlacement', allowed: ['auto', 'top', 'left', 'hidden'] },
      ORIENTATION_RULE,
      // The legend is not drawn.
      { path: 'legend.showLegend', allowed: [false] },
    ],
  },
  drawsOnCanvas: false,
  runsQueries: true,
  drawsNoData: false,
  Component: BarGaugePanel,
};
