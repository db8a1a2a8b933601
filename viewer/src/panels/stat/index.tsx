/** The `stat` panel: @grafana/ui's `VizRepeater` of `BigValue`s (with sparklines), its defaults and the values it draws. */
import { type FieldDisplay, getDisplayValueAlignmentFactors } from '@grafana/data';
import { BigValue, VizRepeater } from '@grafana/ui';

import { DEFAULT_THRESHOLDS, displayValues, ORIENTATION_RULE, orientationOf, REDUCE } from '../common';
import type { PanelDescriptor, PanelProps } from '../descriptor';

function StatPanel(props: PanelProps) {
  const { frames, options, width, height, theme, timeRange } = props;
  const graph = options.graphMode !== 'none';
  return (
    <VizRepeater<FieldDisplay, ReturnType<typeof getDisplayValueAlignmentFactors>>
      source={frames}
      renderCounter={0}
      width={width}
      height={height}
      itemSpacing={3}
      autoGrid={true}
      minVizWidth={75}
      minVizHeight={75}
      orientation={orientationOf(options.orientation)}
      getValues={() => displayValues(props, graph)}
      getAlignmentFactors={getDisplayValueAlignmentFactors}
      renderValue={({ value, width: w, height: h, alignmentFactors, count }) => {
        const sparkline = value.sparkline ? { ...value.sparkline, timeRange } : undefined;
        return (
          <BigValue
            value={value.display}
            count={count}
            sparkline={graph ? sparkline : undefined}
            colorMode={options.colorMode}
            graphMode={options.graphMode}
            justifyMode={options.justifyMode}
            textMode={options.textMode}
            alignmentFactors={alignmentFactors}
            text={options.text}
            width={w}
            height={h}
            theme={theme}
            disableWideLayout={!options.wideLayout}
          />
        );
      }}
    />
  );
}

export const stat: PanelDescriptor = {
  type: 'stat',
  defaults: {
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
  optionRules: {
    options: [
      { path: 'textMode', allowed: ['auto', 'value', 'value_and_name', 'name', 'none'] },
      { path: 'colorMode', allowed: ['value', 'background', 'background_solid', 'none'] },
      { path: 'graphMode', allowed: ['none', 'area'] },
      { path: 'justifyMode', allowed: ['auto', 'center'] },
      ORIENTATION_RULE,
      // The percent change line is not drawn.
      { path: 'showPercentChange', allowed: [false] },
    ],
  },
  drawsOnCanvas: false,
  runsQueries: true,
  // An empty result is BigValue's no-value display, as in Grafana.
  drawsNoData: true,
  Component: StatPanel,
};
