/**
 * Grafana's state timeline (not in @grafana/ui), drawn on a canvas in its style: one row per
 * series, consecutive equal values merged (mergeValues), each state a box colored by the field's
 * display processor (value mappings first, then thresholds), fill opacity from
 * `custom.fillOpacity` (70), value text inside boxes wide enough, series names on the left,
 * a time axis below, and a legend of the mapped states / thresholds.
 */
import { useEffect, useRef } from 'react';

import { colorManipulator, type DataFrame, dateTimeFormat, type Field, FieldType, getFieldDisplayName, type GrafanaTheme2 } from '@grafana/data';

interface Props {
  frames: DataFrame[];
  width: number;
  height: number;
  fromMs: number;
  toMs: number;
  timeZone: string;
  theme: GrafanaTheme2;
  options: Record<string, unknown>;
}

interface Row {
  name: string;
  field: Field;
  times: number[];
}

export function stateRows(frames: DataFrame[]): Row[] {
  const rows: Row[] = [];
  for (const frame of frames) {
    const time = frame.fields.find((f) => f.type === FieldType.time);
    if (!time) {
      continue;
    }
    for (const f of frame.fields) {
      if (f === time || f.config.custom?.hideFrom?.viz) {
        continue;
      }
      rows.push({ name: getFieldDisplayName(f, frame, frames), field: f, times: time.values as number[] });
    }
  }
  return rows;
}

/** Merge runs of equal values into [startIdx, endIdx) segments (Grafana's mergeValues). */
export function mergeRuns(values: unknown[], merge: boolean): Array<{ start: number; end: number }> {
  const out: Array<{ start: number; end: number }> = [];
  for (let i = 0; i < values.length; i++) {
    if (values[i] === null || values[i] === undefined) {
      continue;
    }
    const last = out[out.length - 1];
    if (merge && last && last.end === i && values[last.start] === values[i]) {
      last.end = i + 1;
    } else {
      out.push({ start: i, end: i + 1 });
    }
  }
  return out;
}

const AXIS_H = 24;

export function StateTimeline({ frames, width, height, fromMs, toMs, timeZone, theme, options }: Props) {
  const ref = useRef<HTMLCanvasElement>(null);
  const rows = stateRows(frames);
  const legendItems = new Map<string, string>();
  for (const r of rows) {
    for (const v of r.field.values) {
      if (v === null || v === undefined) {
        continue;
      }
      const d = r.field.display!(v);
      if (d.color && !legendItems.has(d.text)) {
        legendItems.set(d.text, d.color);
      }
    }
  }
  const legend = (options.legend as { showLegend?: boolean } | undefined)?.showLegend !== false && legendItems.size > 0;
  const legendH = legend ? 28 : 0;
  const canvasH = Math.max(height - legendH, 10);

  useEffect(() => {
    const canvas = ref.current;
    if (!canvas) {
      return;
    }
    const dpr = window.devicePixelRatio || 1;
    canvas.width = width * dpr;
    canvas.height = canvasH * dpr;
    const ctx = canvas.getContext('2d')!;
    ctx.scale(dpr, dpr);
    ctx.clearRect(0, 0, width, canvasH);
    const font = `400 12px ${theme.typography.fontFamily}`;
    ctx.font = font;
    const labelW = Math.min(Math.max(0, ...rows.map((r) => ctx.measureText(r.name).width)) + 16, width * 0.4);
    const plotX = labelW;
    const plotW = Math.max(width - labelW - 8, 1);
    const plotH = Math.max(canvasH - AXIS_H, 1);
    const rowH = rows.length ? plotH / rows.length : plotH;
    const rowHeight = typeof options.rowHeight === 'number' ? options.rowHeight : 0.9;
    const boxH = rowH * rowHeight;
    const xOf = (t: number) => plotX + ((t - fromMs) / (toMs - fromMs)) * plotW;
    const merge = options.mergeValues !== false;
    const showValue = (options.showValue as string) ?? 'auto';

    rows.forEach((row, ri) => {
      const y = ri * rowH + (rowH - boxH) / 2;
      ctx.fillStyle = theme.colors.text.primary;
      ctx.textAlign = 'right';
      ctx.textBaseline = 'middle';
      ctx.fillText(row.name, plotX - 8, ri * rowH + rowH / 2, labelW - 12);
      const vals = row.field.values as unknown[];
      const opacity = ((row.field.config.custom?.fillOpacity as number | undefined) ?? 70) / 100;
      const lineWidth = (row.field.config.custom?.lineWidth as number | undefined) ?? 0;
      for (const run of mergeRuns(vals, merge)) {
        const x0 = Math.max(xOf(row.times[run.start]), plotX);
        const x1 = Math.min(run.end < row.times.length ? xOf(row.times[run.end]) : xOf(toMs), plotX + plotW);
        if (x1 <= x0) {
          continue;
        }
        const d = row.field.display!(vals[run.start]);
        const color = d.color ?? theme.colors.text.secondary;
        ctx.fillStyle = colorManipulator.alpha(color, opacity);
        ctx.fillRect(x0, y, x1 - x0, boxH);
        if (lineWidth > 0) {
          ctx.strokeStyle = color;
          ctx.lineWidth = lineWidth;
          ctx.strokeRect(x0 + lineWidth / 2, y + lineWidth / 2, x1 - x0 - lineWidth, boxH - lineWidth);
        }
        const text = `${d.prefix ?? ''}${d.text}${d.suffix ?? ''}`;
        if (showValue !== 'never') {
          const tw = ctx.measureText(text).width;
          if (showValue === 'always' || tw + 8 < x1 - x0) {
            ctx.fillStyle = theme.colors.getContrastText(colorManipulator.asHexString(color));
            ctx.textAlign = 'left';
            ctx.save();
            ctx.beginPath();
            ctx.rect(x0, y, x1 - x0, boxH);
            ctx.clip();
            ctx.fillText(text, x0 + 4, y + boxH / 2);
            ctx.restore();
          }
        }
      }
    });

    // Time axis.
    ctx.fillStyle = theme.colors.text.primary;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    const span = toMs - fromMs;
    const candidates = [60e3, 300e3, 600e3, 900e3, 1800e3, 3600e3, 7200e3, 10800e3, 21600e3, 43200e3, 86400e3];
    const step = candidates.find((c) => (span / c) * 60 <= plotW * 0.9) ?? 86400e3;
    const fmt = step >= 86400e3 ? 'MM/DD' : 'HH:mm';
    for (let t = Math.ceil(fromMs / step) * step; t <= toMs; t += step) {
      const x = xOf(t);
      ctx.fillText(dateTimeFormat(t, { format: fmt, timeZone }), x, plotH + 6);
    }
  });

  return (
    <div style={{ width, height }}>
      <canvas ref={ref} data-state-timeline="" style={{ width, height: canvasH, display: 'block' }} />
      {legend && (
        <div style={{ display: 'flex', flexWrap: 'wrap', gap: 16, paddingTop: 8, fontSize: 12, color: theme.colors.text.secondary }}>
          {[...legendItems].map(([text, color]) => (
            <span key={text} style={{ display: 'inline-flex', alignItems: 'center', gap: 6 }}>
              <span style={{ width: 14, height: 4, borderRadius: 1, background: color, display: 'inline-block' }} />
              {text}
            </span>
          ))}
        </div>
      )}
    </div>
  );
}
