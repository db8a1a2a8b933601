import { beforeAll, describe, expect, it, vi } from 'vitest';

import { createTheme, getFieldDisplayName } from '@grafana/data';

import { resultToFrames } from './frames';
import { applyConfig, applyTransformations, unsupportedTransformations } from './prepare';

const vector = (rows: Array<[Record<string, string>, string]>) => ({
  resultType: 'vector' as const,
  result: rows.map(([metric, v]) => ({ metric, value: [100, v] as [number, string] })),
});
const id = (s: string) => s;

// @grafana/data's transform pipeline and display processors touch browser globals; the node
// test environment has none, so give them minimal stand-ins.
beforeAll(() => {
  vi.stubGlobal('window', globalThis);
  vi.stubGlobal('navigator', { language: 'en-US', languages: ['en-US'], userAgent: 'node' });
});

describe('applyTransformations (Grafana standard transformers)', () => {
  it('merge + organize of two table queries', async () => {
    const a = resultToFrames(vector([[{ cluster: 'x' }, '1'], [{ cluster: 'y' }, '2']]), { refId: 'A', expr: 'a', format: 'table' }, true);
    const b = resultToFrames(vector([[{ cluster: 'x' }, '10']]), { refId: 'B', expr: 'b', format: 'table' }, true);
    const out = await applyTransformations(
      [...a, ...b],
      [
        { id: 'merge', options: {} },
        { id: 'organize', options: { excludeByName: { Time: true }, renameByName: { 'Value #A': 'A', 'Value #B': 'B' } } },
      ],
      id
    );
    expect(out).toHaveLength(1);
    expect(out[0].fields.map((f) => getFieldDisplayName(f, out[0]))).toEqual(['cluster', 'A', 'B']);
    expect(out[0].fields[2].values).toEqual([10, undefined]);
  });
  it('labelsToFields turns series labels into columns', async () => {
    const frames = resultToFrames(vector([[{ cluster: 'x', node: 'n' }, '1']]), { refId: 'A', expr: 'a', legendFormat: '{{cluster}}' }, false);
    const out = await applyTransformations(frames, [{ id: 'labelsToFields', options: { keepLabels: ['cluster'] } }], id);
    // Grafana appends the label columns after the frame's own fields.
    expect(out[0].fields.map((f) => f.name)).toEqual(['Time', 'Value', 'cluster']);
    expect(out[0].fields[2].values).toEqual(['x']);
  });
  it('reports unknown transformation ids', () => {
    expect(unsupportedTransformations([{ id: 'merge', options: {} }, { id: 'nope', options: {} }])).toEqual(['nope']);
  });
});

describe('applyConfig', () => {
  it('merges panel defaults (trap 2) and sets display processors', () => {
    const frames = resultToFrames(vector([[{ cluster: 'x' }, '1500']]), { refId: 'A', expr: 'a' }, false);
    const [f] = applyConfig(frames, { defaults: { unit: 'ms', decimals: 1, thresholds: { mode: 'absolute', steps: [{ value: null, color: 'green' }, { value: 1000, color: 'red' }] } } }, createTheme(), id, 'utc');
    const v = f.fields[1];
    expect(v.config.unit).toBe('ms');
    const d = v.display!(1500);
    expect(`${d.text} ${d.suffix?.trim()}`).toBe('1.5 s');
    expect(d.color).toBe(createTheme().visualization.getColorByName('red'));
  });
  it('value mappings come first in the display processor, then thresholds', () => {
    const frames = resultToFrames(vector([[{ node: 'a' }, '1']]), { refId: 'A', expr: 'up' }, false);
    const mappings = [
      { type: 'value', options: { '1': { text: 'UP', color: 'blue', index: 0 } } },
      { type: 'range', options: { from: 2, to: 10, result: { text: 'several', index: 1 } } },
      { type: 'special', options: { match: 'null', result: { text: 'N/A', index: 2 } } },
    ];
    const thresholds = { mode: 'absolute', steps: [{ value: null, color: 'green' }, { value: 5, color: 'red' }] };
    const [f] = applyConfig(frames, { defaults: { mappings, thresholds } }, createTheme(), id, 'utc');
    const display = f.fields[1].display!;
    const theme = createTheme();
    expect(display(1)).toMatchObject({ text: 'UP', color: theme.visualization.getColorByName('blue') });
    expect(display(7)).toMatchObject({ text: 'several', color: theme.visualization.getColorByName('red') });
    expect(display(null).text).toBe('N/A');
    expect(display(20)).toMatchObject({ text: '20', color: theme.visualization.getColorByName('red') });
  });
});
