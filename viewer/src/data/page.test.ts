import { describe, expect, it } from 'vitest';

import { dashboardTimeZone, pageParams } from './page';

describe('pageParams', () => {
  it('reads dashboard, RFC 3339 from/to and width', () => {
    const p = pageParams('?dashboard=x&from=2026-11-02T06:00:00Z&to=2026-11-02T08:00:00Z&width=1200&var-a=1');
    expect(p.uid).toBe('x');
    expect(p.fromMs).toBe(Date.UTC(2026, 10, 2, 6));
    expect(p.toMs).toBe(Date.UTC(2026, 10, 2, 8));
    expect(p.width).toBe(1200);
  });
  it('defaults: width 1600, the data window end, 6 h before it; epoch ms accepted', () => {
    const p = pageParams('?dashboard=x&width=abc');
    expect(p.width).toBe(1600);
    expect(p.toMs).toBe(Date.UTC(2026, 10, 2, 12));
    expect(p.fromMs).toBe(Date.UTC(2026, 10, 2, 6));
    expect(pageParams('?from=1000&to=2000').fromMs).toBe(1000);
  });
});

describe('dashboardTimeZone', () => {
  it('UTC unless the dashboard names a zone', () => {
    expect(dashboardTimeZone(undefined)).toBe('utc');
    expect(dashboardTimeZone('browser')).toBe('utc');
    expect(dashboardTimeZone('Europe/Berlin')).toBe('Europe/Berlin');
  });
});
