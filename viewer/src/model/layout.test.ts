import { describe, expect, it } from 'vitest';

import { compactVertical, correctBounds, expandRows, gridHeight, gridToPixels, layoutDashboard, type PanelLike } from './layout';

describe('gridToPixels', () => {
  it('uses 24 columns, 30 px rows and 8 px margins', () => {
    // width 1928: colWidth = (1928 - 184) / 24 = 72.666…
    expect(gridToPixels({ x: 0, y: 0, w: 24, h: 8 }, 1928)).toEqual({ left: 0, top: 0, width: 1928, height: 296 });
    expect(gridToPixels({ x: 12, y: 8, w: 12, h: 8 }, 1928)).toEqual({ left: 968, top: 304, width: 960, height: 296 });
    expect(gridToPixels({ x: 6, y: 1, w: 6, h: 1 }, 1200)).toEqual({ left: 302, top: 38, width: 294, height: 30 });
  });

  it('gridHeight', () => {
    expect(gridHeight([{ x: 0, y: 0, w: 24, h: 1 }, { x: 0, y: 1, w: 12, h: 8 }])).toBe(9 * 30 + 8 * 8);
    expect(gridHeight([])).toBe(0);
  });
});

describe('compaction', () => {
  it('closes vertical gaps upward', () => {
    expect(compactVertical([{ x: 0, y: 5, w: 12, h: 4 }])).toEqual([{ x: 0, y: 0, w: 12, h: 4 }]);
    const out = compactVertical([
      { x: 0, y: 0, w: 12, h: 4 },
      { x: 12, y: 0, w: 12, h: 8 },
      { x: 0, y: 10, w: 12, h: 2 },
    ]);
    expect(out[2]).toEqual({ x: 0, y: 4, w: 12, h: 2 });
    expect(out[1]).toEqual({ x: 12, y: 0, w: 12, h: 8 });
  });

  it('stops under the lowest blocking item', () => {
    const out = compactVertical([
      { x: 0, y: 0, w: 12, h: 4 },
      { x: 12, y: 0, w: 12, h: 6 },
      { x: 6, y: 20, w: 12, h: 3 },
    ]);
    // spans both columns: blocked by the taller right item (bottom 6)
    expect(out[2]).toEqual({ x: 6, y: 6, w: 12, h: 3 });
  });

  it('pushes overlapping items down', () => {
    const out = compactVertical([
      { x: 0, y: 0, w: 12, h: 4 },
      { x: 6, y: 2, w: 12, h: 4 },
    ]);
    expect(out[1]).toEqual({ x: 6, y: 4, w: 12, h: 4 });
  });

  it('correctBounds keeps items inside 24 columns', () => {
    expect(correctBounds([{ x: 20, y: 0, w: 8, h: 2 }, { x: -2, y: 0, w: 4, h: 2 }])).toEqual([
      { x: 16, y: 0, w: 8, h: 2 },
      { x: 0, y: 0, w: 24, h: 2 },
    ]);
  });
});

describe('rows', () => {
  const dashboard: PanelLike[] = [
    { id: 1, type: 'stat', gridPos: { x: 0, y: 0, w: 24, h: 4 } },
    { id: 2, type: 'row', collapsed: false, gridPos: { x: 0, y: 4, w: 24, h: 1 }, panels: [] },
    { id: 3, type: 'timeseries', gridPos: { x: 0, y: 5, w: 12, h: 8 } },
    {
      id: 4,
      type: 'row',
      collapsed: true,
      gridPos: { x: 0, y: 13, w: 24, h: 1 },
      // stored positions from when the row sat elsewhere (y 30): shifted to sit under the row
      panels: [
        { id: 5, type: 'gauge', gridPos: { x: 0, y: 31, w: 8, h: 6 } },
        { id: 6, type: 'table', gridPos: { x: 8, y: 31, w: 16, h: 10 } },
      ],
    },
    { id: 7, type: 'row', collapsed: false, gridPos: { x: 0, y: 14, w: 24, h: 1 } },
    { id: 8, type: 'text', gridPos: { x: 0, y: 15, w: 24, h: 3 } },
  ];

  it('expands collapsed rows like toggleRow', () => {
    const ex = expandRows(dashboard);
    expect(ex.map((e) => [e.panel.id, e.grid.y])).toEqual([
      [1, 0],
      [2, 4],
      [3, 5],
      [4, 13],
      [5, 14],
      [6, 14],
      [7, 24], // pushed down by yMax (24) - row.y (13) - 1 = 10
      [8, 25],
    ]);
  });

  it('lays out the whole dashboard in pixels', () => {
    const out = layoutDashboard(dashboard, 1928);
    const byId = new Map(out.map((o) => [o.panel.id, o]));
    expect(out.map((o) => o.panel.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(byId.get(2)).toMatchObject({ grid: { x: 0, y: 4, w: 24, h: 1 }, top: 152, height: 30, width: 1928 });
    expect(byId.get(5)).toMatchObject({ grid: { x: 0, y: 14, w: 8, h: 6 }, left: 0, top: 532, width: 637, height: 220 });
    expect(byId.get(6)).toMatchObject({ grid: { x: 8, y: 14, w: 16, h: 10 }, left: 645, top: 532 });
    expect(byId.get(7)?.grid.y).toBe(24);
    expect(byId.get(8)?.top).toBe(25 * 38);
  });

  it('panels without gridPos get Grafana defaults (w 6, h 3) and compact', () => {
    const out = layoutDashboard([{ id: 1, type: 'text' }, { id: 2, type: 'text', gridPos: { x: 0, y: 9, w: 6, h: 3 } }], 1200);
    expect(out.map((o) => o.grid)).toEqual([
      { x: 0, y: 0, w: 6, h: 3 },
      { x: 0, y: 3, w: 6, h: 3 },
    ]);
  });
});
