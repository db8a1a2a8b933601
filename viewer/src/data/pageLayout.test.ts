import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

import { layoutDashboard, type PanelLike } from '../model/layout';
import { gridWidthFor, PAGE_MARGIN, pageParams } from './page';

const dashboard = JSON.parse(
  readFileSync(new URL('../../../tests/fixtures/dashboards/viewer-all-panels.json', import.meta.url), 'utf8')
) as { panels: PanelLike[] };

describe('layout at the page width given (&width=)', () => {
  it('reads width and derives the grid width', () => {
    expect(pageParams('?width=1200').width).toBe(1200);
    expect(pageParams('?width=1920').width).toBe(1920);
    expect(gridWidthFor(1200)).toBe(1200 - 2 * PAGE_MARGIN);
  });

  it.each([1200, 1920])('lays the test dashboard out on 24 columns at width %i', (width) => {
    const grid = gridWidthFor(width);
    const out = layoutDashboard(dashboard.panels, grid);
    const colWidth = (grid - 8 * 23) / 24;
    for (const o of out) {
      // Boxes scale with the width and never overflow the grid.
      expect(o.left).toBe(Math.round((colWidth + 8) * o.grid.x));
      expect(o.width).toBe(Math.round(colWidth * o.grid.w + 8 * (o.grid.w - 1)));
      expect(o.left + o.width).toBeLessThanOrEqual(grid);
      if (o.grid.x + o.grid.w === 24) {
        expect(o.left + o.width).toBeGreaterThanOrEqual(grid - 1);
      }
    }
    const row = out.find((o) => o.panel.type === 'row')!;
    expect(row.width).toBe(grid);
  });

  it('1200 px: a right-half panel is 580 px wide at 588', () => {
    // grid 1168: colWidth = (1168 - 184) / 24 = 41; w 12 → 41 × 12 + 88 = 580; x 12 → 49 × 12 = 588
    const out = layoutDashboard([{ id: 1, type: 'text', gridPos: { x: 12, y: 0, w: 12, h: 8 } }], gridWidthFor(1200));
    expect(out[0]).toMatchObject({ left: 588, width: 580, top: 0, height: 296 });
  });
});
