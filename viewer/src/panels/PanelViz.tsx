/** The visualisation inside one panel, per panel type, from Grafana's own components. */
import {
  type DataFrame,
  type FieldDisplay,
  getDisplayValueAlignmentFactors,
  getFieldDisplayValues,
  type GrafanaTheme2,
  type InterpolateFunction,
  renderTextPanelMarkdown,
  type TimeRange,
  VizOrientation,
} from '@grafana/data';
import { BarGauge, BigValue, Table, TimeSeries, VizRepeater } from '@grafana/ui';

import type { FieldConfigSource } from '../model/fieldConfig';
import { RadialGauge } from './Gauge';
import { StateTimeline } from './StateTimeline';

export const SUPPORTED_PANEL_TYPES = new Set(['timeseries', 'stat', 'text', 'bargauge', 'table', 'gauge', 'state-timeline']);

type Options = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Props {
  type: string;
  frames: DataFrame[];
  options: Options;
  fieldConfig: FieldConfigSource;
  width: number;
  height: number;
  timeRange: TimeRange;
  timeZone: string;
  theme: GrafanaTheme2;
  replaceVariables: InterpolateFunction;
}

function orientationOf(o: unknown): VizOrientation {
  return o === 'horizontal' ? VizOrientation.Horizontal : o === 'vertical' ? VizOrientation.Vertical : VizOrientation.Auto;
}

function displayValues(props: Props, sparkline: boolean): FieldDisplay[] {
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

export function PanelViz(props: Props) {
  const { type, frames, options, width, height, theme, timeRange, timeZone } = props;
  switch (type) {
    case 'timeseries':
      return (
        <TimeSeries
          frames={frames}
          width={width}
          height={height}
          timeRange={timeRange}
          timeZone={timeZone}
          legend={options.legend}
          options={options}
        />
      );
    case 'stat': {
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
    case 'bargauge':
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
              display={value.display ? undefined : undefined}
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
    case 'gauge':
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
    case 'table':
      return frames.length ? (
        <Table data={frames[0]} width={width} height={height} showTypeIcons={false} cellHeight={options.cellHeight} />
      ) : (
        <div />
      );
    case 'state-timeline':
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
    case 'text': {
      const content = props.replaceVariables(String(options.content ?? ''), undefined, 'html');
      const html = options.mode === 'html' ? content : renderTextPanelMarkdown(content);
      return <div className="markdown-html" style={{ height, overflow: 'hidden' }} dangerouslySetInnerHTML={{ __html: html }} />;
    }
    default:
      return <div />;
  }
}
