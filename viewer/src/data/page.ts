/** The page contract's URL parameters: dashboard, from, to, width (theme and var-* are read elsewhere). */

export interface PageParams {
  uid: string | null;
  fromMs: number;
  toMs: number;
  width: number;
  params: URLSearchParams;
}

/** The seeded data window's end: the default `to` (nothing is "now"-relative). */
export const DEFAULT_TO_MS = Date.parse('2026-11-02T12:00:00Z');
export const DEFAULT_WIDTH = 1600;

/** RFC 3339 or epoch milliseconds; anything else gives the fallback. */
export function parseTime(v: string | null, fallback: number): number {
  if (!v) {
    return fallback;
  }
  if (/^\d+$/.test(v)) {
    return Number(v);
  }
  const t = Date.parse(v);
  return Number.isNaN(t) ? fallback : t;
}

export function pageParams(search: string): PageParams {
  const params = new URLSearchParams(search);
  const toMs = parseTime(params.get('to'), DEFAULT_TO_MS);
  const fromMs = parseTime(params.get('from'), toMs - 6 * 3600e3);
  const w = Number(params.get('width'));
  const width = Number.isFinite(w) && w > 0 ? Math.round(w) : DEFAULT_WIDTH;
  return { uid: params.get('dashboard'), fromMs, toMs, width, params };
}

/** The dashboard's explicit timezone, else UTC ("browser" or unset would depend on the machine). */
export function dashboardTimeZone(tz: string | undefined): string {
  return tz && tz !== 'browser' ? tz : 'utc';
}

/** Padding around the grid, as Grafana's dashboard page body. */
export const PAGE_MARGIN = 16;

/** Width of the 24-column grid container for a page `width` px wide. */
export function gridWidthFor(pageWidth: number): number {
  return Math.max(0, pageWidth - 2 * PAGE_MARGIN);
}
