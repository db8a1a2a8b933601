/**
 * Grafana's radial gauge (the `gauge` panel, not in @grafana/ui), drawn in SVG after its
 * flot-gauge look: a 240° arc from min to max, the value arc in the value's color, an outer
 * thin threshold band (showThresholdMarkers), the value text centered, the name below.
 */
import { type DisplayValue, type Field, type GrafanaTheme2, type Threshold, type ThresholdsConfig, ThresholdsMode } from '@grafana/data';

import { normalizeThresholds } from '../../model/fieldConfig';

interface Props {
  width: number;
  height: number;
  value: DisplayValue;
  field: Field['config'];
  theme: GrafanaTheme2;
  showThresholdMarkers: boolean;
  showThresholdLabels: boolean;
  showName: boolean;
}

const START = (-210 * Math.PI) / 180; // angle of min (from +x axis, SVG y down → we flip)
const SWEEP = (240 * Math.PI) / 180;

/**
 * The value of each threshold step, percentage steps scaled into min..max, to place the bands
 * (the gauge is not in the library, so neither is this).
 */
export function absoluteStepValues(thresholds: ThresholdsConfig, range: { min: number; max: number }): number[] {
  return thresholds.steps.map((s) =>
    thresholds.mode === ThresholdsMode.Percentage && Number.isFinite(s.value) ? range.min + ((range.max - range.min) * s.value) / 100 : s.value
  );
}

function polar(cx: number, cy: number, r: number, a: number): [number, number] {
  return [cx + r * Math.cos(a), cy + r * Math.sin(a)];
}

function arc(cx: number, cy: number, r: number, a0: number, a1: number): string {
  const [x0, y0] = polar(cx, cy, r, a0);
  const [x1, y1] = polar(cx, cy, r, a1);
  const large = a1 - a0 > Math.PI ? 1 : 0;
  return `M ${x0} ${y0} A ${r} ${r} 0 ${large} 1 ${x1} ${y1}`;
}

export function RadialGauge({ width, height, value, field, theme, showThresholdMarkers, showThresholdLabels, showName }: Props) {
  const min = typeof field.min === 'number' ? field.min : 0;
  const max = typeof field.max === 'number' ? field.max : 100;
  const titleH = showName && value.title ? Math.min(Math.max(height * 0.12, 12), 24) : 0;
  const h = height - titleH;
  const margin = showThresholdLabels ? Math.min(width, h) * 0.12 : 4;
  // A 240° arc spans (1 + sin 30°) = 1.5 radii vertically.
  const r = Math.max(Math.min((width - 2 * margin) / 2, (h - 2 * margin) / 1.5), 10);
  const cx = width / 2;
  const cy = titleH + margin + r + (h - 2 * margin - 1.5 * r) / 2;
  const gaugeW = r * 0.2;
  const thrW = showThresholdMarkers ? gaugeW / 4 : 0;
  const thrGap = showThresholdMarkers ? gaugeW / 4 : 0;
  const valueR = r - thrW - thrGap - gaugeW / 2;
  const numeric = typeof value.numeric === 'number' && Number.isFinite(value.numeric) ? value.numeric : min;
  const pct = Math.min(Math.max((numeric - min) / (max - min || 1), 0), 1);
  const a = (p: number) => START + SWEEP * p;
  const color = value.color ?? theme.colors.primary.main;
  const thresholds = normalizeThresholds(field.thresholds as never);
  const stepValues = absoluteStepValues(thresholds, { min, max });
  const bands = thresholds.steps.map((s: Threshold | { color: string }, i: number) => {
    const from = i === 0 ? min : stepValues[i];
    const to = i + 1 < stepValues.length ? stepValues[i + 1] : max;
    const p0 = Math.min(Math.max((from - min) / (max - min || 1), 0), 1);
    const p1 = Math.min(Math.max((to - min) / (max - min || 1), 0), 1);
    return { p0, p1, color: theme.visualization.getColorByName(s.color) };
  });
  const text = `${value.prefix ?? ''}${value.text}${value.suffix ?? ''}`;
  const fontSize = Math.min(valueR * 0.5, (valueR * 1.6) / Math.max(text.length * 0.6, 1), 120);
  return (
    <svg width={width} height={height} style={{ display: 'block' }}>
      {showName && value.title && (
        <text x={cx} y={titleH * 0.8} textAnchor="middle" fill={theme.colors.text.primary} fontSize={titleH * 0.8} fontFamily={theme.typography.fontFamily}>
          {value.title}
        </text>
      )}
      {showThresholdMarkers &&
        bands
          .filter((b) => b.p1 > b.p0)
          .map((b, i) => (
            <path key={i} d={arc(cx, cy, r - thrW / 2, a(b.p0), a(b.p1))} stroke={b.color} strokeWidth={thrW} fill="none" />
          ))}
      <path d={arc(cx, cy, valueR, a(0), a(1))} stroke={theme.colors.background.secondary} strokeWidth={gaugeW} fill="none" />
      {pct > 0 && <path d={arc(cx, cy, valueR, a(0), a(pct))} stroke={color} strokeWidth={gaugeW} fill="none" />}
      <text
        x={cx}
        y={cy + fontSize * 0.35}
        textAnchor="middle"
        fill={color}
        fontSize={fontSize}
        fontWeight={500}
        fontFamily={theme.typography.fontFamily}
      >
        {text}
      </text>
      {showThresholdLabels &&
        stepValues.slice(1).map((v, i) => {
          const p = (v - min) / (max - min || 1);
          const [x, y] = polar(cx, cy, r + margin * 0.5, a(p));
          return (
            <text key={i} x={x} y={y} textAnchor="middle" fontSize={Math.max(margin * 0.5, 9)} fill={theme.colors.text.secondary}>
              {v}
            </text>
          );
        })}
    </svg>
  );
}
