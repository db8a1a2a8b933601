/**
 * Dashboard grid layout, faithful to Grafana's dashboard grid (react-grid-layout with
 * cols = 24, rowHeight = 30 px, margin = [8, 8], containerPadding = [0, 0], vertical compaction):
 *
 * - Rows are expanded as Grafana's `DashboardModel.toggleRow` does: the collapsed row's
 *   `panels` are inserted right after it, shifted by yDiff = firstChild.y − (row.y + row.h)
 *   so they start just below the row header; everything after them is pushed down by
 *   (yMax − row.y − 1); then panels are sorted by gridPos (y, then x).
 * - react-grid-layout `correctBounds` (x + w > 24 → x = 24 − w; x < 0 → x = 0, w = 24) then
 *   `compact(layout, 'vertical')`: items sorted by (y, x), each moved up as far as it can go
 *   without colliding with the items already placed, and pushed down (cascading, as in
 *   `resolveCompactionCollision`) if it still collides.
 * - Pixels (`calcGridItemPosition`): colWidth = (W − 8 × 23) / 24;
 *   left = round((colWidth + 8) × x), top = round((30 + 8) × y),
 *   width = round(colWidth × w + 8 × (w − 1)), height = round(30 × h + 8 × (h − 1)).
 * A row header takes one grid unit (h = 1, w = 24).
 */

export const GRID_COLUMN_COUNT = 24;
export const GRID_CELL_HEIGHT = 30;
export const GRID_CELL_VMARGIN = 8;

export interface GridPos {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** The subset of a dashboard panel used for layout. */
export interface PanelLike {
  id?: number;
  type?: string;
  title?: string;
  gridPos?: Partial<GridPos>;
  collapsed?: boolean;
  panels?: PanelLike[];
  [key: string]: unknown;
}

export interface LaidOutPanel<P extends PanelLike = PanelLike> {
  panel: P;
  /** Grid position after row expansion and compaction. */
  grid: GridPos;
  /** Pixel box inside the grid container. */
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Grafana's PanelModel default gridPos. */
const DEFAULT_GRID_POS: GridPos = { x: 0, y: 0, w: 6, h: 3 };

function gridOf(p: PanelLike): GridPos {
  const g = p.gridPos ?? {};
  return {
    x: g.x ?? DEFAULT_GRID_POS.x,
    y: g.y ?? DEFAULT_GRID_POS.y,
    w: g.w ?? DEFAULT_GRID_POS.w,
    h: g.h ?? DEFAULT_GRID_POS.h,
  };
}

interface Item<P> {
  panel: P;
  g: GridPos;
}

/**
 * Expand every collapsed row (Grafana's `toggleRow` on each, top to bottom), returning a
 * flat list of panels (rows included, their `panels` emptied) with adjusted grid positions,
 * sorted by (y, x). Input is not mutated.
 */
export function expandRows<P extends PanelLike>(panels: P[]): Array<{ panel: P; grid: GridPos }> {
  let items: Item<P>[] = panels.map((p) => ({ panel: p, g: gridOf(p) }));
  sortByGridPos(items);
  for (let idx = 0; idx < items.length; idx++) {
    const row = items[idx];
    if (row.panel.type !== 'row' || !row.panel.collapsed) {
      continue;
    }
    const children = (row.panel.panels ?? []) as P[];
    if (children.length === 0) {
      continue;
    }
    const firstY = children[0].gridPos?.y ?? row.g.y;
    const yDiff = firstY - (row.g.y + row.g.h);
    let yMax = row.g.y;
    const inserted: Item<P>[] = children.map((c) => {
      const g = gridOf(c);
      g.y = (c.gridPos?.y ?? row.g.y) - yDiff;
      yMax = Math.max(yMax, g.y + g.h);
      return { panel: c, g };
    });
    const pushDown = yMax - row.g.y - 1;
    const after = items.slice(idx + 1);
    for (const it of after) {
      it.g = { ...it.g, y: it.g.y + pushDown };
    }
    items = [...items.slice(0, idx + 1), ...inserted, ...after];
    idx += inserted.length;
  }
  sortByGridPos(items);
  return items.map((it) => ({ panel: it.panel, grid: it.g }));
}

/** Grafana's `sortPanelsByGridPos`: by y, then x (stable). */
function sortByGridPos<P>(items: Item<P>[]): void {
  items.sort((a, b) => (a.g.y === b.g.y ? a.g.x - b.g.x : a.g.y - b.g.y));
}

function collides(a: GridPos, b: GridPos): boolean {
  if (a === b) {
    return false;
  }
  if (a.x + a.w <= b.x) {
    return false;
  }
  if (a.x >= b.x + b.w) {
    return false;
  }
  if (a.y + a.h <= b.y) {
    return false;
  }
  if (a.y >= b.y + b.h) {
    return false;
  }
  return true;
}

function firstCollision(layout: GridPos[], item: GridPos): GridPos | undefined {
  return layout.find((l) => collides(l, item));
}

function bottom(layout: GridPos[]): number {
  let max = 0;
  for (const l of layout) {
    max = Math.max(max, l.y + l.h);
  }
  return max;
}

/** react-grid-layout `correctBounds` (no static items in a rendered dashboard). */
export function correctBounds(layout: GridPos[], cols = GRID_COLUMN_COUNT): GridPos[] {
  return layout.map((g) => {
    const l = { ...g };
    if (l.x + l.w > cols) {
      l.x = cols - l.w;
    }
    if (l.x < 0) {
      l.x = 0;
      l.w = cols;
    }
    return l;
  });
}

/**
 * react-grid-layout `compact(layout, 'vertical')`: returns new positions in input order.
 */
export function compactVertical(layout: GridPos[]): GridPos[] {
  const sorted = layout
    .map((g, i) => ({ g: { ...g }, i }))
    .sort((a, b) => (a.g.y > b.g.y || (a.g.y === b.g.y && a.g.x > b.g.x) ? 1 : a.g.y === b.g.y && a.g.x === b.g.x ? 0 : -1));
  const sortedItems = sorted.map((s) => s.g);
  const compareWith: GridPos[] = [];
  const out: GridPos[] = new Array(layout.length);

  const resolveCollision = (item: GridPos, moveTo: number): void => {
    item.y += 1;
    const idx = sortedItems.indexOf(item);
    for (let i = idx + 1; i < sortedItems.length; i++) {
      const other = sortedItems[i];
      if (other.y > item.y + item.h) {
        break;
      }
      if (collides(item, other)) {
        resolveCollision(other, moveTo + item.h);
      }
    }
    item.y = moveTo;
  };

  for (const { g: l, i } of sorted) {
    l.y = Math.min(bottom(compareWith), l.y);
    // RGL steps up while free, which ends one step inside a collision (or at 0) …
    while (l.y > 0 && !firstCollision(compareWith, l)) {
      l.y--;
    }
    // … and then moves down below whatever it collides with, cascading later items.
    let hit: GridPos | undefined;
    while ((hit = firstCollision(compareWith, l))) {
      resolveCollision(l, hit.y + hit.h);
    }
    l.y = Math.max(l.y, 0);
    l.x = Math.max(l.x, 0);
    compareWith.push(l);
    out[i] = l;
  }
  return out;
}

/** Pixel box of a grid position in a container `containerWidth` px wide (RGL `calcGridItemPosition`). */
export function gridToPixels(g: GridPos, containerWidth: number): { left: number; top: number; width: number; height: number } {
  const m = GRID_CELL_VMARGIN;
  const colWidth = (containerWidth - m * (GRID_COLUMN_COUNT - 1)) / GRID_COLUMN_COUNT;
  return {
    left: Math.round((colWidth + m) * g.x),
    top: Math.round((GRID_CELL_HEIGHT + m) * g.y),
    width: Math.round(colWidth * g.w + Math.max(0, g.w - 1) * m),
    height: Math.round(GRID_CELL_HEIGHT * g.h + Math.max(0, g.h - 1) * m),
  };
}

/** Total height in px of a laid-out grid (RGL `containerHeight` with zero padding). */
export function gridHeight(layout: GridPos[]): number {
  const b = bottom(layout);
  if (b === 0) {
    return 0;
  }
  return b * GRID_CELL_HEIGHT + (b - 1) * GRID_CELL_VMARGIN;
}

/**
 * Lay out a dashboard's `panels` for a container `containerWidth` px wide: rows expanded,
 * bounds corrected, compacted vertically, converted to pixel boxes. Order: by (y, x).
 */
export function layoutDashboard<P extends PanelLike>(panels: P[], containerWidth: number): LaidOutPanel<P>[] {
  const expanded = expandRows(panels);
  const bounded = correctBounds(expanded.map((e) => e.grid));
  const compacted = compactVertical(bounded);
  const result = expanded.map((e, i) => ({ panel: e.panel, grid: compacted[i], ...gridToPixels(compacted[i], containerWidth) }));
  result.sort((a, b) => (a.grid.y === b.grid.y ? a.grid.x - b.grid.x : a.grid.y - b.grid.y));
  return result;
}
