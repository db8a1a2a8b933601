import { describe, expect, it } from 'vitest';

import { getValueMappingResult, mapValue, stringToJsRegex, type ValueMapping } from './mappings';

const mappings: ValueMapping[] = [
  { type: 'value', options: { '1': { text: 'UP', color: 'green', index: 0 }, down: { text: 'DOWN', color: 'red', index: 1 } } },
  { type: 'range', options: { from: 10, to: 20, result: { text: 'teens', color: 'orange', index: 2 } } },
  { type: 'range', options: { from: null, to: -1, result: { text: 'negative', index: 3 } } },
  { type: 'regex', options: { pattern: 'node-(\\d+)', result: { text: 'Node $1', index: 4 } } },
  { type: 'special', options: { match: 'null', result: { text: 'N/A', color: 'gray', index: 5 } } },
  { type: 'special', options: { match: 'nan', result: { text: 'not a number', index: 6 } } },
  { type: 'special', options: { match: 'true', result: { text: 'yes', index: 7 } } },
  { type: 'special', options: { match: 'false', result: { text: 'no', index: 8 } } },
  { type: 'special', options: { match: 'empty', result: { text: '(empty)', index: 9 } } },
];

describe('value mappings', () => {
  it.each([
    [1, 'UP'],
    ['1', 'UP'],
    ['down', 'DOWN'],
    [10, 'teens'],
    [20, 'teens'],
    [15.5, 'teens'],
    ['12', 'teens'],
    [-5, 'negative'],
    ['node-12', 'Node 12'],
    [null, 'N/A'],
    [undefined, 'N/A'],
    [NaN, 'not a number'],
    [true, 'yes'],
    ['false', 'no'],
    ['', '(empty)'],
  ])('%s → %s', (value, text) => {
    expect(getValueMappingResult(mappings, value)?.text).toBe(text);
  });

  it('no match → null', () => {
    expect(getValueMappingResult(mappings, 25)).toBeNull();
    expect(getValueMappingResult(mappings, 'other')).toBeNull();
    expect(getValueMappingResult([], 1)).toBeNull();
  });

  it('first match in array order wins', () => {
    const ordered: ValueMapping[] = [
      { type: 'range', options: { from: 0, to: 100, result: { text: 'range', index: 0 } } },
      { type: 'value', options: { '50': { text: 'value', index: 1 } } },
    ];
    expect(getValueMappingResult(ordered, 50)).toEqual({ text: 'range', index: 0 });
  });

  it('regex needs an anchored full match unless written /re/', () => {
    expect(stringToJsRegex('a.c').source).toBe('^a.c$');
    expect(stringToJsRegex('/A/i').flags).toBe('i');
    const m: ValueMapping[] = [{ type: 'regex', options: { pattern: '/err/i', result: { text: 'bad', color: 'red' } } }];
    expect(getValueMappingResult(m, 'some ERROR here')?.text).toBe('some badOR here'); // Grafana replaces only the matched part
  });

  it('NaN special matches numeric NaN only', () => {
    expect(getValueMappingResult([{ type: 'special', options: { match: 'nan', result: { text: 'x' } } }], 'abc')).toBeNull();
  });

  it('mapValue resolves color names through the theme', () => {
    const theme = (n: string) => ({ green: '#73BF69', red: '#F2495C' })[n] ?? n;
    expect(mapValue(mappings, 1, theme)).toEqual({ text: 'UP', color: '#73BF69', index: 0 });
    expect(mapValue(mappings, -3, theme)).toEqual({ text: 'negative', color: undefined, index: 3 });
  });
});
