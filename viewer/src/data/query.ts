/** Query execution against the same-origin Prometheus proxy (`meshkit-obs serve`). */
import type { DataFrame } from '@grafana/data';

import { panelInterval, prometheusStep } from '../model/interval';
import { interpolate, type ResolvedVariable, type VariableOption } from '../model/variables';
import { resultToFrames, type PromResult } from './frames';
import { applyVariableRegex, parseVariableQuery, queryResultText, sortVariableOptions, type PromSample } from './varQuery';

/** The pack's datasource scrape interval (`jsonData.timeInterval`). */
export const SCRAPE_INTERVAL = '60s';

export class QueryError extends Error {}

async function promGet<T>(path: string, params: Record<string, string>): Promise<T> {
  const qs = new URLSearchParams(params).toString();
  const res = await fetch(`${path}${qs ? '?' + qs : ''}`);
  let body: { status?: string; data?: T; error?: string; errorType?: string } | undefined;
  try {
    body = await res.json();
  } catch {
    throw new QueryError(`${res.status} ${res.statusText}`);
  }
  if (!res.ok || body?.status !== 'success') {
    throw new QueryError(body?.error ? `${body.errorType ? body.errorType + ': ' : ''}${body.error}` : `${res.status} ${res.statusText}`);
  }
  return body.data as T;
}

export interface Target {
  refId?: string;
  expr?: string;
  legendFormat?: string;
  format?: string;
  instant?: boolean;
  range?: boolean;
  interval?: string;
  intervalFactor?: number;
  hide?: boolean;
  datasource?: unknown;
}

export interface QueryContext {
  fromMs: number;
  toMs: number;
  variables: Map<string, ResolvedVariable>;
  utcOffsetSec: number;
}

export interface PanelQueryInput {
  targets?: Target[];
  maxDataPoints?: number | null;
  interval?: string | null;
}

/** Run every visible target of a panel; frames in target order. Throws QueryError on the first failure. */
export async function runPanelQueries(panel: PanelQueryInput, widthPx: number, ctx: QueryContext): Promise<DataFrame[]> {
  const targets = (panel.targets ?? []).filter((t) => !t.hide && t.expr && t.expr.trim() !== '');
  const pi = panelInterval({
    fromMs: ctx.fromMs,
    toMs: ctx.toMs,
    widthPx,
    maxDataPoints: panel.maxDataPoints,
    panelMinInterval: panel.interval ? interpolate(panel.interval, { variables: ctx.variables }) : undefined,
    datasourceInterval: SCRAPE_INTERVAL,
  });
  const multi = targets.length > 1;
  const results = await Promise.all(
    targets.map(async (t, i) => {
      const refId = t.refId || String.fromCharCode(65 + i);
      const step = prometheusStep({
        fromMs: ctx.fromMs,
        toMs: ctx.toMs,
        panelInterval: pi,
        targetInterval: t.interval ? interpolate(t.interval, { variables: ctx.variables }) : undefined,
        intervalFactor: t.intervalFactor,
        scrapeInterval: SCRAPE_INTERVAL,
        utcOffsetSec: ctx.utcOffsetSec,
      });
      const scopedVars = Object.fromEntries(Object.entries(step.vars).map(([k, v]) => [k, { text: v, value: v }]));
      const expr = interpolate(t.expr!, { variables: ctx.variables, scopedVars });
      let data: PromResult;
      if (t.instant && !t.range) {
        data = await promGet<PromResult>('api/v1/query', { query: expr, time: String(ctx.toMs / 1000) });
      } else {
        data = await promGet<PromResult>('api/v1/query_range', {
          query: expr,
          start: String(step.start),
          end: String(step.end),
          step: String(step.step),
        });
      }
      const legendFormat = t.legendFormat ? interpolate(t.legendFormat, { variables: ctx.variables, scopedVars }, 'text') : t.legendFormat;
      return resultToFrames(data, { refId, expr, legendFormat, format: t.format }, multi);
    })
  );
  return results.flat();
}

/** Options of a Prometheus `query` variable (label values API, or an instant query for query_result). */
export async function fetchQueryVariableOptions(
  query: string,
  regex: string | undefined,
  sort: number | undefined,
  ctx: QueryContext
): Promise<VariableOption[]> {
  const q = parseVariableQuery(interpolate(query, { variables: ctx.variables }));
  const range = { start: String(Math.floor(ctx.fromMs / 1000)), end: String(Math.ceil(ctx.toMs / 1000)) };
  let names: string[] = [];
  switch (q.kind) {
    case 'label_values':
      names = q.metric
        ? await promGet<string[]>(`api/v1/label/${encodeURIComponent(q.label)}/values`, { 'match[]': q.metric, ...range })
        : await promGet<string[]>(`api/v1/label/${encodeURIComponent(q.label)}/values`, range);
      break;
    case 'label_names':
      names = await promGet<string[]>('api/v1/labels', q.match ? { 'match[]': q.match, ...range } : range);
      break;
    case 'metrics': {
      const all = await promGet<string[]>('api/v1/label/__name__/values', range);
      const re = new RegExp(q.regex);
      names = all.filter((n) => re.test(n));
      break;
    }
    case 'query_result': {
      const data = await promGet<PromResult>('api/v1/query', { query: q.expr, time: String(ctx.toMs / 1000) });
      if (data.resultType === 'vector' || data.resultType === 'matrix') {
        names = (data.result as PromSample[]).map(queryResultText);
      } else {
        names = [`${data.result[1]} ${data.result[0] * 1000}`];
      }
      break;
    }
    default:
      throw new QueryError(`unsupported variable query: ${q.query}`);
  }
  return sortVariableOptions(applyVariableRegex(names, regex), sort);
}
