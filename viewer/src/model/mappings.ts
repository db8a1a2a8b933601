/**
 * Value mappings, faithful to @grafana/data `utils/valueMappings.getValueMappingResult`:
 * mappings are tried in array order and the first that matches wins.
 * - value: `options[String(value)]` (skipped for null/undefined); a falsy result is no match.
 * - range: value parsed with parseFloat (NaN → skip); `from`/`to` null → ∓Infinity; inclusive.
 * - regex: strings only; pattern through `stringToJsRegex` (`/re/flags` or anchored `^re$`);
 *   the result text may use capture groups (`value.replace(regex, text)`).
 * - special: null (null/undefined), nan (numeric NaN only), null+nan, true (true or "true"),
 *   false (false or "false"), empty ("").
 * The result carries `text`, `color`, `icon` and the `index` the editor assigned.
 */

export interface ValueMappingResult {
  text?: string;
  color?: string;
  icon?: string;
  index?: number;
}

export type SpecialValueMatch = 'null' | 'nan' | 'null+nan' | 'true' | 'false' | 'empty';

export type ValueMapping =
  | { type: 'value'; options: Record<string, ValueMappingResult> }
  | { type: 'range'; options: { from?: number | null; to?: number | null; result: ValueMappingResult } }
  | { type: 'regex'; options: { pattern: string; result: ValueMappingResult } }
  | { type: 'special'; options: { match: SpecialValueMatch; result: ValueMappingResult } };

/** @grafana/data `stringStartsAsRegEx` + `stringToJsRegex`. */
export function stringToJsRegex(str: string): RegExp {
  if (!str.startsWith('/')) {
    return new RegExp(`^${str}$`);
  }
  const match = str.match(/^\/(.*?)\/(g?i?m?y?s?)$/);
  if (!match) {
    throw new Error(`'${str}' is not a valid regular expression.`);
  }
  return new RegExp(match[1], match[2]);
}

/** Grafana's `getValueMappingResult`: the first matching mapping's result, or null. */
export function getValueMappingResult(mappings: ValueMapping[] | undefined, value: unknown): ValueMappingResult | null {
  for (const vm of mappings ?? []) {
    switch (vm.type) {
      case 'value': {
        if (value == null) {
          continue;
        }
        const result = vm.options[String(value)];
        if (result) {
          return result;
        }
        break;
      }
      case 'range': {
        if (value == null) {
          continue;
        }
        const n = parseFloat(value as string);
        if (isNaN(n)) {
          continue;
        }
        const from = vm.options.from ?? -Infinity;
        if (!isNaN(from) && n < from) {
          continue;
        }
        const to = vm.options.to ?? Infinity;
        if (!isNaN(to) && n > to) {
          continue;
        }
        return vm.options.result;
      }
      case 'regex': {
        if (value == null || typeof value !== 'string') {
          continue;
        }
        let regex: RegExp;
        try {
          regex = stringToJsRegex(vm.options.pattern);
        } catch {
          continue;
        }
        if (value.match(regex)) {
          const res = { ...vm.options.result };
          if (res.text != null) {
            res.text = value.replace(regex, vm.options.result.text || '');
          }
          return res;
        }
        break;
      }
      case 'special': {
        const r = vm.options.result;
        switch (vm.options.match) {
          case 'null':
            if (value == null) {
              return r;
            }
            break;
          case 'nan':
            if (typeof value === 'number' && isNaN(value)) {
              return r;
            }
            break;
          case 'null+nan':
            if ((typeof value === 'number' && isNaN(value)) || value == null) {
              return r;
            }
            break;
          case 'true':
            if (value === true || value === 'true') {
              return r;
            }
            break;
          case 'false':
            if (value === false || value === 'false') {
              return r;
            }
            break;
          case 'empty':
            if (value === '') {
              return r;
            }
            break;
        }
        break;
      }
    }
  }
  return null;
}

export interface MappedValue {
  text?: string;
  /** CSS color, resolved through the theme when the mapping sets one. */
  color?: string;
  icon?: string;
  index?: number;
}

/**
 * Map a value and resolve the mapping's color through the theme (`getColorByName`),
 * as Grafana's display processor does. Null when nothing matches.
 */
export function mapValue(
  mappings: ValueMapping[] | undefined,
  value: unknown,
  getColorByName: (name: string) => string
): MappedValue | null {
  const r = getValueMappingResult(mappings, value);
  if (!r) {
    return null;
  }
  return { ...r, color: r.color ? getColorByName(r.color) : undefined };
}
