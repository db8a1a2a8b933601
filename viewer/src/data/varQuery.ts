/**
 * Prometheus `query` variables, faithful to Grafana's Prometheus datasource
 * (`PrometheusMetricFindQuery`): `label_names()`, `label_values(label)`,
 * `label_values(metric, label)`, `metrics(regex)`, `query_result(expr)`; then the variable's
 * `regex` (Grafana `metricNamesToVariableValues`) and `sort`.
 */
import type { VariableOption } from '../model/variables';

export type VariableQuery =
  | { kind: 'label_names'; match?: string }
  | { kind: 'label_values'; label: string; metric?: string }
  | { kind: 'metrics'; regex: string }
  | { kind: 'query_result'; expr: string }
  | { kind: 'unknown'; query: string };

const LABEL_NAMES = /^label_names\(\s*(.*)\s*\)\s*$/;
const LABEL_VALUES = /^label_values\((?:(.+),\s*)?([a-zA-Z_$][a-zA-Z0-9_]*)\)\s*$/;
const METRIC_NAMES = /^metrics\((.+)\)\s*$/;
const QUERY_RESULT = /^query_result\((.+)\)\s*$/;

/** Parse a Prometheus variable query string (Grafana's regexes). */
export function parseVariableQuery(query: string): VariableQuery {
  const q = query.trim();
  let m = q.match(LABEL_NAMES);
  if (m) {
    return { kind: 'label_names', match: m[1] || undefined };
  }
  m = q.match(LABEL_VALUES);
  if (m) {
    return m[1] ? { kind: 'label_values', metric: m[1].trim(), label: m[2] } : { kind: 'label_values', label: m[2] };
  }
  m = q.match(METRIC_NAMES);
  if (m) {
    return { kind: 'metrics', regex: m[1] };
  }
  m = q.match(QUERY_RESULT);
  if (m) {
    return { kind: 'query_result', expr: m[1] };
  }
  return { kind: 'unknown', query: q };
}

/** One Prometheus instant vector sample as the API returns it. */
export interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

/**
 * Grafana's `query_result` text for one sample: `name{a="b", c="d"} value timestamp_ms`
 * (labels in response order, `__name__` outside the braces).
 */
export function queryResultText(s: PromSample): string {
  const { __name__: name = '', ...labels } = s.metric;
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  return `${name}{${parts.join(', ')}} ${s.value[1]} ${s.value[0] * 1000}`;
}

/**
 * Grafana's `metricNamesToVariableValues`: with a regex, keep matching names; the value is the
 * named group `value` or the first group, the text the named group `text` or the value; without a
 * match the name is dropped. Duplicate values are removed (first wins).
 */
export function applyVariableRegex(names: string[], regex: string | undefined): VariableOption[] {
  let re: RegExp | undefined;
  if (regex) {
    const m = regex.match(/^\/(.*)\/([gimsuy]*)$/);
    re = m ? new RegExp(m[1], m[2]) : new RegExp(`^${regex}$`);
  }
  const out: VariableOption[] = [];
  const seen = new Set<string>();
  for (const name of names) {
    let value = name;
    let text = name;
    if (re) {
      re.lastIndex = 0;
      const matches = re.exec(name);
      if (!matches) {
        continue;
      }
      const groups = matches.groups;
      if (groups && (groups.value !== undefined || groups.text !== undefined)) {
        value = groups.value ?? groups.text;
        text = groups.text ?? groups.value;
      } else if (matches.length > 1) {
        value = matches[1];
        text = matches[1];
      }
    }
    if (!seen.has(value)) {
      seen.add(value);
      out.push({ text, value });
    }
  }
  return out;
}

/**
 * Grafana's variable `sort`: 0 disabled, 1/2 alphabetical asc/desc, 3/4 numerical asc/desc,
 * 5/6 alphabetical case-insensitive asc/desc, 7/8 natural asc/desc.
 */
export function sortVariableOptions(options: VariableOption[], sort: number | undefined): VariableOption[] {
  if (!sort) {
    return options;
  }
  const out = [...options];
  const num = (t: string) => {
    const m = t.match(/.*?(\d+)/);
    return m ? parseInt(m[1], 10) : -1;
  };
  switch (sort) {
    case 1:
    case 2:
      out.sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
      break;
    case 3:
    case 4:
      out.sort((a, b) => num(a.text) - num(b.text));
      break;
    case 5:
    case 6:
      out.sort((a, b) => a.text.toLowerCase().localeCompare(b.text.toLowerCase()));
      break;
    case 7:
    case 8:
      out.sort((a, b) => a.text.localeCompare(b.text, undefined, { numeric: true, sensitivity: 'base' }));
      break;
  }
  if (sort % 2 === 0) {
    out.reverse();
  }
  return out;
}
