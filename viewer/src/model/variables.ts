/**
 * Template variables: resolution of current values (URL wins over the dashboard's `current`)
 * and interpolation of `$var`, `${var}`, `${var:format}`, `[[var]]`, `[[var:format]]`,
 * faithful to Grafana's TemplateSrv / scenes `sceneInterpolator` and the Prometheus
 * datasource's default formatting (`interpolateQueryExpr`).
 *
 * Grafana semantics reproduced:
 * - Variable syntax regex (TemplateSrv `variableRegex`):
 *   `\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\${(\w+)(?:\.([^:^\}]+))?(?::([^\}]+))?}`.
 *   A reference to an unknown variable is left untouched.
 * - Formats (scenes `formatRegistry`): regex, pipe, csv, raw, json, doublequote, singlequote,
 *   glob, text, queryparam, percentencode. Lucene is deliberately not implemented.
 * - No explicit format → the datasource's default. For Prometheus (`interpolateQueryExpr`): a
 *   variable that is neither multi nor include-All gets `prometheusRegularEscape` (backslash and
 *   single quote escaped); otherwise each value gets `prometheusSpecialRegexEscape` (regex
 *   metacharacters escaped with a double backslash, since the regex sits in a PromQL string),
 *   one value stays bare, several become `(a|b)`.
 * - All: with a custom `allValue`, that value is inserted raw (only variables inside it are
 *   interpolated) unless the format is text/percentencode/queryparam; without one, All means
 *   every option's value (the `$__all` option itself excluded).
 */

export const ALL_VARIABLE_VALUE = '$__all';
export const ALL_VARIABLE_TEXT = 'All';

export type VariableValue = string | string[];

export interface VariableOption {
  text: string;
  value: string;
  selected?: boolean;
}

/** The subset of a dashboard `templating.list` entry the viewer needs. */
export interface VariableModel {
  name: string;
  type: 'query' | 'custom' | 'constant' | 'interval' | 'datasource' | 'textbox' | string;
  label?: string;
  query?: string | { query?: string };
  current?: { text?: string | string[]; value?: VariableValue };
  options?: VariableOption[];
  multi?: boolean;
  includeAll?: boolean;
  allValue?: string | null;
}

/** A variable with its resolved value (what interpolation uses). */
export interface ResolvedVariable {
  name: string;
  type: string;
  multi: boolean;
  includeAll: boolean;
  allValue?: string;
  /** The selected value(s); `$__all` when All is selected. */
  value: VariableValue;
  /** Display text of the selection ("All" for All, " + "-joined for several). */
  text: string;
  /** Options excluding the All option. */
  options: VariableOption[];
}

/** A built-in / scoped variable (e.g. `__interval`), inserted as-is unless a format is given. */
export interface ScopedVar {
  text: string;
  value: string | number;
}

export type ScopedVars = Record<string, ScopedVar>;

export type UrlValues = Record<string, string[]>;

/** Collect `var-<name>` query parameters (repeatable) from a URL's search params. */
export function urlVariableValues(params: URLSearchParams): UrlValues {
  const out: UrlValues = {};
  for (const [key, value] of params) {
    if (key.startsWith('var-')) {
      const name = key.slice(4);
      (out[name] ??= []).push(value);
    }
  }
  return out;
}

/**
 * Options of a custom variable (Grafana's CustomVariable: comma-separated, `text : value`
 * pairs allowed, backslash-escaped commas kept; whitespace around items trimmed).
 */
export function customVariableOptions(query: string): VariableOption[] {
  const items = query.match(/(?:\\,|[^,])+/g) ?? [];
  return items.map((raw) => {
    const item = raw.replace(/\\,/g, ',').trim();
    const kv = item.match(/^\s*(.+)\s:\s(.+)$/);
    if (kv) {
      return { text: kv[1].trim(), value: kv[2].trim() };
    }
    return { text: item, value: item };
  });
}

function queryString(v: VariableModel): string {
  if (typeof v.query === 'string') {
    return v.query;
  }
  return v.query?.query ?? '';
}

function asArray(v: VariableValue | undefined): string[] {
  if (v === undefined || v === null) {
    return [];
  }
  return Array.isArray(v) ? v.map(String) : [String(v)];
}

/**
 * Resolve one variable's value: URL values (`var-<name>`, repeatable) win over the dashboard's
 * `current`; a constant is always its query; `All` / `$__all` in the URL selects All when the
 * variable includes All (Grafana's backwards-compatible URL handling); a non-multi variable given
 * several URL values takes the first. `options` overrides the stored options (e.g. fetched ones).
 */
export function resolveVariable(v: VariableModel, urlValues?: string[], options?: VariableOption[]): ResolvedVariable {
  let opts: VariableOption[] = options ?? v.options ?? [];
  if (v.type === 'custom' && !options && opts.length === 0) {
    opts = customVariableOptions(queryString(v));
  }
  if (v.type === 'interval' && !options && opts.length === 0) {
    opts = customVariableOptions(queryString(v)).filter((o) => o.value !== '$__auto' && o.value !== 'auto');
  }
  opts = opts.filter((o) => o.value !== ALL_VARIABLE_VALUE);
  const multi = Boolean(v.multi);
  const includeAll = Boolean(v.includeAll);
  const base = {
    name: v.name,
    type: v.type,
    multi,
    includeAll,
    allValue: v.allValue ?? undefined,
    options: opts,
  };

  if (v.type === 'constant') {
    const q = queryString(v);
    return { ...base, value: q, text: q };
  }

  let values: string[];
  if (urlValues && urlValues.length > 0) {
    values = urlValues.map((u) => (includeAll && u === ALL_VARIABLE_TEXT ? ALL_VARIABLE_VALUE : u));
  } else if (v.current && v.current.value !== undefined) {
    values = asArray(v.current.value);
  } else if (opts.length > 0) {
    values = [opts[0].value];
  } else {
    values = [];
  }
  if (values.includes(ALL_VARIABLE_VALUE)) {
    return { ...base, value: ALL_VARIABLE_VALUE, text: ALL_VARIABLE_TEXT };
  }
  const textOf = (val: string) => {
    const o = opts.find((x) => x.value === val);
    if (o) {
      return o.text;
    }
    const cur = v.current;
    if (cur && !urlValues?.length) {
      const curValues = asArray(cur.value);
      const curTexts = asArray(cur.text);
      const i = curValues.indexOf(val);
      if (i >= 0 && curTexts[i] !== undefined) {
        return curTexts[i];
      }
    }
    return val;
  };
  if (!multi) {
    const value = values[0] ?? '';
    return { ...base, value, text: textOf(value) };
  }
  return { ...base, value: values, text: values.map(textOf).join(' + ') };
}

/** Resolve every variable of a dashboard's `templating.list` against URL values. */
export function resolveVariables(list: VariableModel[], url: UrlValues = {}): Map<string, ResolvedVariable> {
  const out = new Map<string, ResolvedVariable>();
  for (const v of list) {
    out.set(v.name, resolveVariable(v, url[v.name]));
  }
  return out;
}

/** Grafana's `escapeRegex` (@grafana/data text/string): `\ ^ $ * + ? . ( ) | [ ] { } /` escaped. */
export function escapeRegex(value: string): string {
  return value.replace(/[\\^$*+?.()|[\]{}/]/g, '\\$&');
}

/** Prometheus datasource `prometheusRegularEscape` (classic behaviour). */
export function prometheusRegularEscape(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/'/g, "\\\\'");
}

/** Prometheus datasource `prometheusSpecialRegexEscape` (classic behaviour). */
export function prometheusSpecialRegexEscape(value: string): string {
  return value.replace(/\\/g, '\\\\\\\\').replace(/[$^*{}[\]+?.()|]/g, '\\\\$&');
}

/** Grafana's `encodeURIComponentStrict` (percentencode format). */
function encodeURIComponentStrict(str: string): string {
  return encodeURIComponent(str).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

/** A datasource's default formatter for values with no explicit format. */
export type DefaultFormatter = (value: VariableValue, variable: ResolvedVariable) => string;

/**
 * Prometheus's default (`interpolateQueryExpr`): regular escape for single-value variables,
 * regex escape for multi / include-All ones, several values joined as `(a|b)`.
 */
export const prometheusDefaultFormat: DefaultFormatter = (value, variable) => {
  if (!variable.multi && !variable.includeAll) {
    return Array.isArray(value) ? value.map(prometheusRegularEscape).join(',') : prometheusRegularEscape(value);
  }
  if (typeof value === 'string') {
    return prometheusSpecialRegexEscape(value);
  }
  const escaped = value.map(prometheusSpecialRegexEscape);
  if (escaped.length === 1) {
    return escaped[0];
  }
  return '(' + escaped.join('|') + ')';
};

/** Grafana's formatter when neither format nor datasource default applies: glob. */
export const globDefaultFormat: DefaultFormatter = (value) => formatGlob(value);

function formatGlob(value: VariableValue): string {
  if (Array.isArray(value) && value.length > 1) {
    return '{' + value.join(',') + '}';
  }
  return String(value);
}

/**
 * Apply a named Grafana format (scenes `formatRegistry`) to a value.
 * Returns undefined for an unknown format id (caller then falls back to the default, as Grafana
 * falls back to glob for unknown ids).
 */
export function applyFormat(
  format: string,
  value: VariableValue,
  variable: { name: string; text: string }
): string | undefined {
  switch (format) {
    case 'regex': {
      if (typeof value === 'string') {
        return escapeRegex(value);
      }
      const escaped = value.map((v) => escapeRegex(String(v)));
      return escaped.length === 1 ? escaped[0] : '(' + escaped.join('|') + ')';
    }
    case 'pipe':
      return Array.isArray(value) ? value.join('|') : value;
    case 'csv':
      return Array.isArray(value) ? value.join(',') : value;
    case 'raw':
      return String(value);
    case 'json':
      return JSON.stringify(value);
    case 'doublequote':
      return Array.isArray(value)
        ? value.map((v) => `"${v.replace(/"/g, '\\"')}"`).join(',')
        : `"${value.replace(/"/g, '\\"')}"`;
    case 'singlequote':
      return Array.isArray(value)
        ? value.map((v) => `'${v.replace(/'/g, "\\'")}'`).join(',')
        : `'${value.replace(/'/g, "\\'")}'`;
    case 'glob':
      return formatGlob(value);
    case 'text':
      return variable.text;
    case 'percentencode':
      return Array.isArray(value) ? encodeURIComponentStrict('{' + value.join(',') + '}') : encodeURIComponentStrict(value);
    case 'queryparam':
      return (Array.isArray(value) ? value : [value])
        .map((v) => `var-${encodeURIComponentStrict(variable.name)}=${encodeURIComponentStrict(v)}`)
        .join('&');
    default:
      return undefined;
  }
}

/** TemplateSrv's variable reference regex. */
const VARIABLE_REGEX = /\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\${(\w+)(?:\.([^:^}]+))?(?::([^}]+))?}/g;

export interface InterpolateContext {
  variables: Map<string, ResolvedVariable>;
  /** Built-ins and other scoped variables (win over dashboard variables, as in Grafana). */
  scopedVars?: ScopedVars;
  /** Default formatter (datasource-specific); Prometheus's by default. */
  defaultFormat?: DefaultFormatter;
}

/**
 * Interpolate every variable reference in `target` (Grafana's `templateSrv.replace`).
 * `format` forces a format for references that have none (like `replace(target, vars, format)`).
 */
export function interpolate(target: string, ctx: InterpolateContext, format?: string): string {
  const defaultFormat = ctx.defaultFormat ?? prometheusDefaultFormat;
  return target.replace(
    VARIABLE_REGEX,
    (match: string, var1?: string, var2?: string, fmt2?: string, var3?: string, _fieldPath?: string, fmt3?: string) => {
      const name = var1 ?? var2 ?? var3 ?? '';
      const fmtSpec = fmt2 ?? fmt3 ?? format;
      const fmt = fmtSpec ? fmtSpec.split(':')[0] : undefined;

      const scoped = ctx.scopedVars?.[name];
      if (scoped) {
        const v = String(scoped.value);
        if (!fmt) {
          return v;
        }
        return applyFormat(fmt, v, { name, text: String(scoped.text) }) ?? v;
      }

      const variable = ctx.variables.get(name);
      if (!variable) {
        return match;
      }

      let value: VariableValue = variable.value;
      if (value === ALL_VARIABLE_VALUE || (Array.isArray(value) && value.includes(ALL_VARIABLE_VALUE))) {
        if (variable.allValue) {
          if (fmt !== 'text' && fmt !== 'percentencode' && fmt !== 'queryparam') {
            // Grafana: custom all values are not formatted, only interpolated.
            return interpolate(variable.allValue, ctx);
          }
          value = variable.allValue;
        } else {
          value = variable.options.map((o) => o.value);
        }
      }

      if (fmt) {
        const formatted = applyFormat(fmt, value, variable);
        if (formatted !== undefined) {
          return formatted;
        }
        return formatGlob(value);
      }
      return defaultFormat(value, variable);
    }
  );
}

/** True when `target` references any variable (Grafana's `containsTemplate`, by syntax only). */
export function containsVariable(target: string): boolean {
  VARIABLE_REGEX.lastIndex = 0;
  const found = VARIABLE_REGEX.test(target);
  VARIABLE_REGEX.lastIndex = 0;
  return found;
}
