#!/usr/bin/env node
// Writes screenshot-like PNG pairs for run.sh: node make-pairs.mjs OUT_DIR
// Each pair is OUT_DIR/<name>.expected.png and OUT_DIR/<name>.actual.png; the names are printed,
// one per line. Dashboards are drawn like a dark-theme Grafana page (panels, grid, anti-aliased
// series lines, glyph-like label text, legends, bars), seeded so every run writes the same bytes,
// and encoded as 8-bit RGB without alpha like Chromium's screenshots.
//   identical   the same file twice (a deterministic renderer's unchanged capture)
//   reencoded   the same pixels encoded differently, so every tool has to decode both files
//   small       two legend swatches recoloured: a few hundred pixels
//   large       one series line moved a few pixels in every panel: tens of thousands of pixels
import fs from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';

const PAGE = [17, 18, 23], PANEL = [24, 27, 31], BORDER = [44, 50, 53], GRID = [37, 41, 45];
const TEXT = [204, 204, 220], DIM = [140, 142, 150];
const SERIES = [[115, 191, 105], [242, 204, 12], [87, 148, 242], [255, 120, 10], [184, 119, 217]];
const CHANGED = [242, 73, 92];

function rng(seed) { // mulberry32
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Canvas {
  constructor(w, h, rgb) {
    this.w = w; this.h = h; this.data = Buffer.alloc(w * h * 4);
    for (let i = 0; i < w * h; i++) this.data.set([...rgb, 255], i * 4);
  }
  blend(x, y, rgb, a) {
    if (x < 0 || y < 0 || x >= this.w || y >= this.h || a <= 0) return;
    const i = (y * this.w + x) * 4, d = this.data;
    for (let c = 0; c < 3; c++) d[i + c] = Math.round(d[i + c] * (1 - a) + rgb[c] * Math.min(a, 1));
  }
  rect(x, y, w, h, rgb) { for (let j = y; j < y + h; j++) for (let i = x; i < x + w; i++) this.blend(i, j, rgb, 1); }
  // Xiaolin Wu's line, so strokes carry the anti-aliased edges the comparers must tolerate.
  line(x0, y0, x1, y1, rgb) {
    const steep = Math.abs(y1 - y0) > Math.abs(x1 - x0);
    if (steep) [x0, y0, x1, y1] = [y0, x0, y1, x1];
    if (x0 > x1) [x0, y0, x1, y1] = [x1, y1, x0, y0];
    const slope = x1 === x0 ? 0 : (y1 - y0) / (x1 - x0);
    for (let x = Math.round(x0); x <= Math.round(x1); x++) {
      const y = y0 + slope * (x - x0), yi = Math.floor(y), f = y - yi;
      if (steep) { this.blend(yi, x, rgb, 1 - f); this.blend(yi + 1, x, rgb, f); }
      else { this.blend(x, yi, rgb, 1 - f); this.blend(x, yi + 1, rgb, f); }
    }
  }
  // Glyph-like text: 5x8 cells of random strokes with soft edges, as rendered labels look to a diff.
  text(x, y, chars, rgb, random, scale = 1) {
    x = Math.round(x);
    for (let c = 0; c < chars; c++) {
      if (random() < 0.15) continue; // a space
      for (let j = 0; j < 8 * scale; j++) for (let i = 0; i < 5 * scale; i++) {
        const on = random();
        if (on > 0.55) this.blend(x + c * 6 * scale + i, y + j, rgb, on > 0.8 ? 1 : (on - 0.55) * 3);
      }
    }
  }
}

function dashboard(width, height, { swatch = null, moved = 0 } = {}) {
  const random = rng(0x5eed + height);
  const img = new Canvas(width, height, PAGE);
  img.text(16, 12, 24, TEXT, random, 2);
  const cols = 2, gap = 8, top = 40, panelW = (width - gap * (cols + 1)) / cols;
  const rows = Math.max(1, Math.floor((height - top) / 288)), panelH = Math.floor((height - top) / rows) - gap;
  let panel = 0;
  for (let y = top; y + panelH <= height; y += panelH + gap) {
    for (let c = 0; c < cols; c++, panel++) {
      const x = gap + c * (panelW + gap);
      img.rect(x, y, panelW, panelH, BORDER);
      img.rect(x + 1, y + 1, panelW - 2, panelH - 2, PANEL);
      img.text(x + 10, y + 8, 14 + Math.floor(random() * 20), TEXT, random);
      const plot = { x: x + 50, y: y + 30, w: panelW - 64, h: panelH - 80 };
      for (let g = 0; g <= 5; g++) {
        const gy = plot.y + Math.round((g * plot.h) / 5);
        img.rect(plot.x, gy, plot.w, 1, GRID);
        img.text(x + 8, gy - 4, 5, DIM, random);
      }
      for (let t = 0; t < 8; t++) img.text(plot.x + (t * plot.w) / 8, plot.y + plot.h + 6, 5, DIM, random);
      const legendY = y + panelH - 24;
      if (panel % 3 === 2) { // a bar chart
        const bars = 24, bw = plot.w / bars;
        for (let b = 0; b < bars; b++) {
          const h = Math.round(plot.h * (0.2 + 0.75 * random()));
          img.rect(Math.round(plot.x + b * bw + 3), plot.y + plot.h - h, Math.round(bw - 6), h, SERIES[2]);
        }
      } else {
        for (let s = 0; s < 3; s++) {
          let level = 0.3 + 0.4 * random();
          const points = 120, shift = s === 0 ? moved : 0;
          let prev = null;
          for (let p = 0; p <= points; p++) {
            level = Math.min(0.95, Math.max(0.05, level + (random() - 0.5) * 0.08));
            const pt = [plot.x + (p * plot.w) / points, plot.y + plot.h * (1 - level) + shift];
            if (prev) img.line(prev[0], prev[1], pt[0], pt[1], SERIES[(panel + s) % SERIES.length]);
            prev = pt;
          }
        }
      }
      for (let s = 0; s < 3; s++) {
        const lx = Math.round(x + 12 + s * 160);
        const recolour = swatch !== null && panel < 2 && s === swatch;
        img.rect(lx, legendY, 12, 12, recolour ? CHANGED : SERIES[(panel + s) % SERIES.length]);
        img.text(lx + 18, legendY + 2, 12, DIM, random);
      }
    }
  }
  return img;
}

function encode(img, options) {
  const png = new PNG({ width: img.w, height: img.h });
  img.data.copy(png.data);
  return PNG.sync.write(png, { colorType: 2, inputColorType: 6, ...options });
}

const out = process.argv[2];
if (!out) {
  console.error('usage: make-pairs.mjs OUT_DIR');
  process.exit(2);
}
fs.mkdirSync(out, { recursive: true });
const CHROMIUM_LIKE = { deflateLevel: 6 }; // adaptive filters, zlib's default level
for (const [w, h] of [[1600, 900], [1600, 3000]]) {
  const base = encode(dashboard(w, h), CHROMIUM_LIKE);
  const pairs = {
    identical: base,
    reencoded: encode(dashboard(w, h), { deflateLevel: 9, filterType: 4 }),
    small: encode(dashboard(w, h, { swatch: 1 }), CHROMIUM_LIKE),
    large: encode(dashboard(w, h, { moved: 4 }), CHROMIUM_LIKE),
  };
  for (const [kind, actual] of Object.entries(pairs)) {
    const name = `${kind}-${w}x${h}`;
    fs.writeFileSync(path.join(out, `${name}.expected.png`), base);
    fs.writeFileSync(path.join(out, `${name}.actual.png`), actual);
    console.log(name);
  }
}
