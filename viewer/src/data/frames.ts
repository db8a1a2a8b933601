/**
 * Prometheus API results → Grafana data frames, shaped as Grafana's Prometheus datasource
 * (pkg/promlib) returns them:
 * - time_series (matrix or vector): one frame per series, fields `Time` and `Value`, the value
 *   field carrying the series labels and `config.displayNameFromDS` = the legend name
 *   (model/legend.ts `seriesName`); frame name = that name too; `refId` = the target's.
 * - format `table`: one frame per query, fields `Time`, one string field per label (sorted,
 *   `__name__` dropped), then `Value` (`Value #<refId>` when the panel has several targets);
 *   one row per sample.
 * Sample values: Prometheus' strings parsed as float (`NaN`, `+Inf`, `-Inf` included).
 */
import { createDataFrame, type DataFrame, FieldType } from '@grafana/data';

import { seriesName } from '../model/legend';

export interface PromSeries {
  metric: Record<string, string>;
  values?: Array<[number, string]>;
  value?: [number, string];
}

export type PromResult =
  | { resultType: 'matrix'; result: PromSeries[] }
  | { resultType: 'vector'; result: PromSeries[] }
  | { resultType: 'scalar' | 'string'; result: [number, string] };

export interface TargetLike {
  refId: string;
  expr: string;
  legendFormat?: string;
  format?: string;
}

export function parseSampleValue(v: string): number {
  if (v === '+Inf') {
    return Infinity;
  }
  if (v === '-Inf') {
    return -Infinity;
  }
  return parseFloat(v);
}

function seriesSamples(s: PromSeries): Array<[number, string]> {
  return s.values ?? (s.value ? [s.value] : []);
}

/** Normalise any result type to a list of series (scalar → one unlabelled series). */
export function resultSeries(data: PromResult): PromSeries[] {
  if (data.resultType === 'scalar' || data.resultType === 'string') {
    return [{ metric: {}, value: data.result }];
  }
  return data.result as PromSeries[];
}

export function toTimeSeriesFrames(data: PromResult, target: TargetLike): DataFrame[] {
  return resultSeries(data).map((s) => {
    const samples = seriesSamples(s);
    const name = seriesName(s.metric, target.legendFormat, target.expr);
    const { __name__: _metric, ...labels } = s.metric;
    void _metric;
    return createDataFrame({
      refId: target.refId,
      name,
      fields: [
        { name: 'Time', type: FieldType.time, values: samples.map((p) => p[0] * 1000), config: { interval: undefined } },
        {
          name: 'Value',
          type: FieldType.number,
          values: samples.map((p) => parseSampleValue(p[1])),
          labels: s.metric.__name__ ? { __name__: s.metric.__name__, ...labels } : labels,
          config: { displayNameFromDS: name },
        },
      ],
    });
  });
}

export function toTableFrame(data: PromResult, target: TargetLike, valueName = 'Value'): DataFrame {
  const series = resultSeries(data);
  const labelNames = [...new Set(series.flatMap((s) => Object.keys(s.metric)))].filter((l) => l !== '__name__').sort();
  const time: number[] = [];
  const value: number[] = [];
  const cols: string[][] = labelNames.map(() => []);
  for (const s of series) {
    for (const [t, v] of seriesSamples(s)) {
      time.push(t * 1000);
      value.push(parseSampleValue(v));
      labelNames.forEach((l, i) => cols[i].push(s.metric[l] ?? ''));
    }
  }
  return createDataFrame({
    refId: target.refId,
    meta: { preferredVisualisationType: 'table' },
    fields: [
      { name: 'Time', type: FieldType.time, values: time, config: {} },
      ...labelNames.map((l, i) => ({ name: l, type: FieldType.string, values: cols[i], config: {} })),
      { name: valueName, type: FieldType.number, values: value, config: {} },
    ],
  });
}

/** Frames for one target's result, per its `format`. `multi`: the panel has several visible targets. */
export function resultToFrames(data: PromResult, target: TargetLike, multi: boolean): DataFrame[] {
  if (target.format === 'table') {
    return [toTableFrame(data, target, multi ? `Value #${target.refId}` : 'Value')];
  }
  return toTimeSeriesFrames(data, target);
}
