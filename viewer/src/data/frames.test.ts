import { describe, expect, it } from 'vitest';

import { parseSampleValue, type PromResult, resultToFrames } from './frames';

const matrix: PromResult = {
  resultType: 'matrix',
  result: [
    { metric: { __name__: 'up', cluster: 'b', job: 'x' }, values: [[100, '1'], [160, '0']] as Array<[number, string]> },
    { metric: { cluster: 'a' }, values: [[100, 'NaN']] as Array<[number, string]> },
  ],
};

describe('resultToFrames', () => {
  it('time_series: one frame per series, Time ms + Value with labels and displayNameFromDS', () => {
    const frames = resultToFrames(matrix, { refId: 'A', expr: 'up', legendFormat: '{{cluster}}' }, false);
    expect(frames).toHaveLength(2);
    expect(frames[0].refId).toBe('A');
    expect(frames[0].fields[0].values).toEqual([100000, 160000]);
    expect(frames[0].fields[1].values).toEqual([1, 0]);
    expect(frames[0].fields[1].config.displayNameFromDS).toBe('b');
    expect(frames[0].fields[1].labels).toEqual({ __name__: 'up', cluster: 'b', job: 'x' });
    expect(Number.isNaN(frames[1].fields[1].values[0])).toBe(true);
  });
  it('default legend: metric{labels}', () => {
    const frames = resultToFrames(matrix, { refId: 'A', expr: 'up' }, false);
    expect(frames[0].fields[1].config.displayNameFromDS).toBe('up{cluster="b", job="x"}');
  });
  it('table: label columns sorted, Value #refId when several targets', () => {
    const [t] = resultToFrames(matrix, { refId: 'B', expr: 'up', format: 'table' }, true);
    expect(t.fields.map((f) => f.name)).toEqual(['Time', 'cluster', 'job', 'Value #B']);
    expect(t.fields[1].values).toEqual(['b', 'b', 'a']);
    expect(t.fields[2].values).toEqual(['x', 'x', '']);
    expect(t.length).toBe(3);
  });
  it('table from a vector with a single target names the column Value', () => {
    const [t] = resultToFrames(
      { resultType: 'vector', result: [{ metric: { a: '1' }, value: [5, '2'] }] },
      { refId: 'A', expr: 'x', format: 'table' },
      false
    );
    expect(t.fields.map((f) => f.name)).toEqual(['Time', 'a', 'Value']);
    expect(t.fields[2].values).toEqual([2]);
  });
  it('scalar → one unlabelled series named by the expression', () => {
    const [f] = resultToFrames({ resultType: 'scalar', result: [5, '3'] }, { refId: 'A', expr: 'vector(3)' }, false);
    expect(f.fields[1].config.displayNameFromDS).toBe('vector(3)');
  });
});

describe('parseSampleValue', () => {
  it('handles infinities', () => {
    expect(parseSampleValue('+Inf')).toBe(Infinity);
    expect(parseSampleValue('-Inf')).toBe(-Infinity);
    expect(parseSampleValue('1.5')).toBe(1.5);
  });
});
