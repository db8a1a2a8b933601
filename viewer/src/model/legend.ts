/**
 * Series naming for Prometheus results, faithful to Grafana's Prometheus backend
 * (pkg/promlib `getName` / `metricNameFromLabels`, which build the frame's display name):
 * - `legendFormat` replaces each `{{ label }}` (whitespace inside the braces allowed) with the
 *   label's value; a missing label renders as the empty string.
 * - Empty `legendFormat`: `metric{a="b", c="d"}` — `__name__` first (outside the braces), the
 *   other labels as Go-quoted `name="value"` strings sorted bytewise, joined by ", ".
 *   Only `__name__` → the metric name; no labels at all → "{}".
 * - `__auto`: the default name above (Grafana leaves the name empty there when labels exist and
 *   the frontend derives the same labels-based name).
 * - A resulting name of exactly "{}" is replaced by the query expression.
 */

export type Labels = Record<string, string>;

const LEGEND_FORMAT_REGEX = /\{\{\s*(.+?)\s*\}\}/g;

/** Go's `%q` for the characters that appear in label values. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0;
    switch (ch) {
      case '"':
        out += '\\"';
        break;
      case '\\':
        out += '\\\\';
        break;
      case '\n':
        out += '\\n';
        break;
      case '\t':
        out += '\\t';
        break;
      case '\r':
        out += '\\r';
        break;
      default:
        if (code < 0x20 || code === 0x7f) {
          out += '\\x' + code.toString(16).padStart(2, '0');
        } else {
          out += ch;
        }
    }
  }
  return out + '"';
}

function byteCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Grafana's default series name from labels (`metricNameFromLabels`). */
export function defaultSeriesName(labels: Labels): string {
  const hasName = Object.prototype.hasOwnProperty.call(labels, '__name__');
  const metricName = hasName ? labels.__name__ : '';
  const parts = Object.keys(labels)
    .filter((k) => k !== '__name__')
    .map((k) => `${k}=${goQuote(labels[k])}`)
    .sort(byteCompare);
  if (parts.length === 0) {
    return hasName ? metricName : '{}';
  }
  return `${metricName}{${parts.join(', ')}}`;
}

/** Render `{{label}}` placeholders; missing labels become empty strings. */
export function renderLegendFormat(legendFormat: string, labels: Labels): string {
  return legendFormat.replace(LEGEND_FORMAT_REGEX, (_m, name: string) =>
    Object.prototype.hasOwnProperty.call(labels, name) ? labels[name] : ''
  );
}

/**
 * The series name Grafana shows for a Prometheus series: legendFormat rendered, or the default
 * labels-based name when legendFormat is empty or `__auto`; "{}" becomes the expression.
 */
export function seriesName(labels: Labels, legendFormat: string | undefined | null, expr: string): string {
  let legend: string;
  if (!legendFormat || legendFormat === '__auto') {
    legend = defaultSeriesName(labels);
  } else {
    legend = renderLegendFormat(legendFormat, labels);
  }
  return legend === '{}' ? expr : legend;
}
