#!/usr/bin/env node
// Browser check of the viewer page (issue 4's browser test), over the Chrome DevTools protocol.
// Node 20 needs `--experimental-websocket` (Node >= 22 has WebSocket). No npm dependencies.
//
// Usage: node --experimental-websocket scripts/check.mjs <url> [runs=10] [width=1600] [deadline-ms=60000]
//
// Every run opens the URL in a fresh tab (re-navigating: each screenshot is a full page load),
// waits for body[data-ready="true"] within the deadline, then takes a full-page screenshot.
// The first run also reads window.__meshkitProblems and every [data-panel-id] box, and
// captures each panel clipped to its box to decide whether it has drawn content.
// Prints one JSON object on stdout:
//   { url, width, ready, ready_ms, ready_ms_runs, problems, problems_stable, panels: [{id, title, type,
//     box, drawn, content_pixels, content_colours}], screenshot_hashes }
// Exit code: 0 when the check ran (the caller judges the result), 1 on a crash (Chromium would
// not start, CDP failure, undecodable PNG, ...). Chromium runs in its own process group, which is
// killed on every exit path.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';

const [url, runsArg = '10', widthArg = '1600', deadlineArg = '60000'] = process.argv.slice(2);
if (!url) {
  console.error('usage: check.mjs <url> [runs] [width] [deadline-ms]');
  process.exit(2);
}
const runs = Number(runsArg);
const width = Number(widthArg);
const deadlineMs = Number(deadlineArg);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---- Chromium in its own process group -------------------------------------------------------

let chromium = null;
let profileDir = null;
function killChromium() {
  if (chromium && chromium.exitCode === null && chromium.signalCode === null) {
    try {
      process.kill(-chromium.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  if (profileDir) {
    try {
      rmSync(profileDir, { recursive: true, force: true });
    } catch {
      // a helper may still be writing; leave the temp profile
    }
    profileDir = null;
  }
}
process.on('exit', killChromium);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    killChromium();
    process.exit(1);
  });
}

async function startChromium() {
  profileDir = mkdtempSync(join(tmpdir(), 'viewer-check-'));
  chromium = spawn(process.env.CHROMIUM ?? '/usr/bin/chromium', [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--hide-scrollbars', '--force-device-scale-factor=1', `--user-data-dir=${profileDir}`,
    `--window-size=${width},1000`, '--remote-debugging-port=0', 'about:blank',
  ], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error('chromium printed no DevTools URL in 30 s: ' + buf)), 30000);
    chromium.stderr.on('data', (d) => {
      buf += d;
      const m = buf.match(/DevTools listening on (ws:\/\/\S+)/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    chromium.on('error', (e) => reject(e));
    chromium.on('exit', (code, sig) => reject(new Error(`chromium exited (${code ?? sig}): ${buf}`)));
  });
}

function cdp(ws) {
  let id = 0;
  const pending = new Map();
  ws.addEventListener('message', (ev) => {
    const msg = JSON.parse(ev.data);
    if (msg.id && pending.has(msg.id)) {
      const { resolve, reject } = pending.get(msg.id);
      pending.delete(msg.id);
      msg.error ? reject(new Error(msg.error.message)) : resolve(msg.result);
    }
  });
  ws.addEventListener('close', () => {
    for (const { reject } of pending.values()) reject(new Error('CDP connection closed'));
    pending.clear();
  });
  return (method, params = {}, sessionId) =>
    new Promise((resolve, reject) => {
      const i = ++id;
      pending.set(i, { resolve, reject });
      ws.send(JSON.stringify({ id: i, method, params, sessionId }));
    });
}

// ---- PNG decoding (8-bit RGB / RGBA, non-interlaced: what Chromium writes) -----------------

function decodePng(buf) {
  const sig = '89504e470d0a1a0a';
  if (buf.subarray(0, 8).toString('hex') !== sig) throw new Error('not a PNG');
  let off = 8;
  let w = 0, h = 0, colorType = 0;
  const idat = [];
  while (off < buf.length) {
    const len = buf.readUInt32BE(off);
    const type = buf.toString('latin1', off + 4, off + 8);
    const data = buf.subarray(off + 8, off + 8 + len);
    if (type === 'IHDR') {
      w = data.readUInt32BE(0);
      h = data.readUInt32BE(4);
      const depth = data[8];
      colorType = data[9];
      const interlace = data[12];
      if (depth !== 8 || (colorType !== 2 && colorType !== 6) || interlace !== 0) {
        throw new Error(`unsupported PNG: depth ${depth}, colour type ${colorType}, interlace ${interlace}`);
      }
    } else if (type === 'IDAT') {
      idat.push(data);
    } else if (type === 'IEND') {
      break;
    }
    off += 12 + len;
  }
  const bpp = colorType === 6 ? 4 : 3;
  const raw = inflateSync(Buffer.concat(idat));
  const stride = w * bpp;
  if (raw.length < h * (stride + 1)) throw new Error('truncated PNG data');
  const out = Buffer.alloc(w * h * 4);
  let prev = Buffer.alloc(stride);
  for (let y = 0; y < h; y++) {
    const filter = raw[y * (stride + 1)];
    const line = Buffer.from(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)));
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? line[x - bpp] : 0;
      const b = prev[x];
      const c = x >= bpp ? prev[x - bpp] : 0;
      let v = line[x];
      switch (filter) {
        case 0: break;
        case 1: v += a; break;
        case 2: v += b; break;
        case 3: v += (a + b) >> 1; break;
        case 4: {
          const p = a + b - c;
          const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
          v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          break;
        }
        default: throw new Error(`bad PNG filter ${filter}`);
      }
      line[x] = v & 0xff;
    }
    for (let x = 0; x < w; x++) {
      out[(y * w + x) * 4] = line[x * bpp];
      out[(y * w + x) * 4 + 1] = line[x * bpp + 1];
      out[(y * w + x) * 4 + 2] = line[x * bpp + 2];
      out[(y * w + x) * 4 + 3] = bpp === 4 ? line[x * bpp + 3] : 255;
    }
    prev = line;
  }
  return { width: w, height: h, rgba: out };
}

// Drawn content inside a panel: the panel's capture minus its chrome (PanelChrome's 32 px header
// with the title, and an 8 px inset for the border and padding). The background is the most
// common colour of that content area; "content pixels" differ from it by more than 24 in some
// channel, "content colours" are the distinct colours among them.
const HEADER_PX = 32;
const INSET_PX = 8;
function drawnContent(img) {
  const x0 = INSET_PX, x1 = img.width - INSET_PX;
  const y0 = HEADER_PX, y1 = img.height - INSET_PX;
  if (x1 <= x0 || y1 <= y0) return { pixels: 0, colours: 0, area: 0 };
  const counts = new Map();
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const i = (y * img.width + x) * 4;
      const key = (img.rgba[i] << 16) | (img.rgba[i + 1] << 8) | img.rgba[i + 2];
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  let bg = 0, bgCount = -1;
  for (const [k, n] of counts) if (n > bgCount) [bg, bgCount] = [k, n];
  const br = bg >> 16, bgG = (bg >> 8) & 0xff, bb = bg & 0xff;
  let pixels = 0;
  const colours = new Set();
  for (const [k, n] of counts) {
    const d = Math.max(Math.abs((k >> 16) - br), Math.abs(((k >> 8) & 0xff) - bgG), Math.abs((k & 0xff) - bb));
    if (d > 24) {
      pixels += n;
      colours.add(k);
    }
  }
  return { pixels, colours: colours.size, area: (x1 - x0) * (y1 - y0) };
}

// ---- The check -------------------------------------------------------------------------------

const READY_EXPR = 'document.body ? document.body.dataset.ready ?? null : null';
const PANELS_EXPR = `JSON.stringify([...document.querySelectorAll('[data-panel-id]')].map((el) => {
  const r = el.getBoundingClientRect();
  const t = el.querySelector('h2, [data-testid*="title"], [title]');
  return { id: Number(el.dataset.panelId), title: (t ? t.textContent : el.textContent.slice(0, 80)).trim(),
    box: { x: r.left + window.scrollX, y: r.top + window.scrollY, width: r.width, height: r.height } };
}))`;

async function main() {
  const wsUrl = await startChromium();
  const ws = new WebSocket(wsUrl);
  await new Promise((resolve, reject) => {
    ws.addEventListener('open', resolve, { once: true });
    ws.addEventListener('error', () => reject(new Error('CDP websocket error')), { once: true });
  });
  const send = cdp(ws);
  const result = {
    url, width, ready: true, ready_ms: null, ready_ms_runs: [], problems: null, problems_stable: true,
    panels: [], screenshot_hashes: [],
  };
  for (let run = 0; run < runs; run++) {
    const { targetId } = await send('Target.createTarget', { url: 'about:blank' });
    const { sessionId } = await send('Target.attachToTarget', { targetId, flatten: true });
    const s = (m, p) => send(m, p, sessionId);
    await s('Page.enable');
    await s('Emulation.setDeviceMetricsOverride', { width, height: 1000, deviceScaleFactor: 1, mobile: false });
    const t0 = performance.now();
    await s('Page.navigate', { url });
    let ready = false;
    while (performance.now() - t0 < deadlineMs) {
      const r = await s('Runtime.evaluate', { expression: READY_EXPR, returnByValue: true });
      if (r.result.value === 'true') {
        ready = true;
        break;
      }
      await sleep(10);
    }
    const ms = Math.round(performance.now() - t0);
    result.ready_ms_runs.push(ready ? ms : null);
    if (!ready) result.ready = false;
    const probs = await s('Runtime.evaluate', { expression: 'JSON.stringify(window.__meshkitProblems ?? null)', returnByValue: true });
    const problems = JSON.parse(probs.result.value ?? 'null');
    if (run === 0) {
      result.ready_ms = ready ? ms : null;
      result.problems = problems;
    } else if (JSON.stringify(problems) !== JSON.stringify(result.problems)) {
      result.problems_stable = false;
    }
    const h = (await s('Runtime.evaluate', { expression: 'document.documentElement.scrollHeight', returnByValue: true })).result.value;
    await s('Emulation.setDeviceMetricsOverride', { width, height: h, deviceScaleFactor: 1, mobile: false });
    // The layout has fixed widths, so the resize must not change it; give it two frames anyway.
    await s('Runtime.evaluate', { expression: 'new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))', awaitPromise: true });
    if (run === 0) {
      const boxes = JSON.parse((await s('Runtime.evaluate', { expression: PANELS_EXPR, returnByValue: true })).result.value);
      for (const p of boxes) {
        const { x, y, width: bw, height: bh } = p.box;
        let drawn = { pixels: 0, colours: 0, area: 0 };
        if (bw >= 1 && bh >= 1) {
          const clip = await s('Page.captureScreenshot', { format: 'png', clip: { x, y, width: bw, height: bh, scale: 1 } });
          drawn = drawnContent(decodePng(Buffer.from(clip.data, 'base64')));
        }
        const type = (await s('Runtime.evaluate', {
          expression: `(() => { const el = document.querySelector('[data-panel-id="${p.id}"]'); return el && el.querySelector('canvas') ? 'canvas' : el && el.querySelector('svg:not([class*="icon"])') ? 'svg' : 'html'; })()`,
          returnByValue: true,
        })).result.value;
        result.panels.push({
          id: p.id, title: p.title, content: type, box: p.box,
          // More than a handful of non-background pixels in several colours beyond the chrome.
          drawn: drawn.pixels >= 50 && drawn.colours >= 3,
          content_pixels: drawn.pixels, content_colours: drawn.colours, content_area: drawn.area,
        });
      }
    }
    const shot = await s('Page.captureScreenshot', { format: 'png', clip: { x: 0, y: 0, width, height: h, scale: 1 } });
    result.screenshot_hashes.push(createHash('sha256').update(Buffer.from(shot.data, 'base64')).digest('hex'));
    await send('Target.closeTarget', { targetId });
  }
  ws.close();
  return result;
}

let exitCode = 0;
try {
  const result = await main();
  console.log(JSON.stringify(result));
} catch (e) {
  console.error('check.mjs crashed:', e && e.stack ? e.stack : e);
  exitCode = 1;
} finally {
  killChromium();
}
process.exit(exitCode);
