#!/usr/bin/env node
// Screenshot driver that waits for the page's own ready signal (trap 5), over the Chrome
// DevTools protocol. Node 20 needs `--experimental-websocket` (Node >= 22 has WebSocket).
// Usage: node --experimental-websocket scripts/shot.mjs <url> <out.png> [runs=1] [width=1600] [height=auto]
// Prints, per run: time from navigation to ready (ms), the sha256 of the PNG and the problems.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [url, out, runsArg = '1', widthArg = '1600', heightArg] = process.argv.slice(2);
if (!url || !out) {
  console.error('usage: shot.mjs <url> <out.png> [runs] [width] [height]');
  process.exit(2);
}
const runs = Number(runsArg);
const width = Number(widthArg);

async function withChromium(fn) {
  const dir = mkdtempSync(join(tmpdir(), 'shot-'));
  const proc = spawn(process.env.CHROMIUM ?? 'chromium', [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--hide-scrollbars', '--force-device-scale-factor=1', `--user-data-dir=${dir}`,
    `--window-size=${width},1000`, '--remote-debugging-port=0', 'about:blank',
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  try {
    const wsUrl = await new Promise((resolve, reject) => {
      let buf = '';
      proc.stderr.on('data', (d) => {
        buf += d;
        const m = buf.match(/DevTools listening on (ws:\/\/\S+)/);
        if (m) resolve(m[1]);
      });
      proc.on('exit', () => reject(new Error('chromium exited: ' + buf)));
    });
    return await fn(wsUrl);
  } finally {
    proc.kill('SIGTERM');
    await new Promise((r) => proc.once('exit', r));
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    } catch {
      // Chromium's helpers may still be writing; leave the temp profile.
    }
  }
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
  return (method, params = {}, sessionId) =>
    new Promise((resolve, reject) => {
      const i = ++id;
      pending.set(i, { resolve, reject });
      ws.send(JSON.stringify({ id: i, method, params, sessionId }));
    });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

await withChromium(async (wsUrl) => {
  const ws = new WebSocket(wsUrl);
  await new Promise((r) => ws.addEventListener('open', r, { once: true }));
  const send = cdp(ws);
  const results = [];
  for (let run = 0; run < runs; run++) {
    const { targetId } = await send('Target.createTarget', { url: 'about:blank' });
    const { sessionId } = await send('Target.attachToTarget', { targetId, flatten: true });
    const s = (m, p) => send(m, p, sessionId);
    await s('Page.enable');
    await s('Emulation.setDeviceMetricsOverride', { width, height: 1000, deviceScaleFactor: 1, mobile: false });
    const t0 = performance.now();
    await s('Page.navigate', { url });
    let ready = false;
    while (performance.now() - t0 < 30000) {
      const r = await s('Runtime.evaluate', { expression: 'document.body && document.body.dataset.ready', returnByValue: true });
      if (r.result.value === 'true') {
        ready = true;
        break;
      }
      await sleep(10);
    }
    const ms = Math.round(performance.now() - t0);
    const probs = await s('Runtime.evaluate', { expression: 'JSON.stringify(window.__meshkitProblems ?? null)', returnByValue: true });
    const h = heightArg
      ? Number(heightArg)
      : (await s('Runtime.evaluate', { expression: 'document.documentElement.scrollHeight', returnByValue: true })).result.value;
    await s('Emulation.setDeviceMetricsOverride', { width, height: h, deviceScaleFactor: 1, mobile: false });
    // Resizing the viewport must not change the layout (fixed widths); give it a frame anyway.
    await s('Runtime.evaluate', { expression: 'new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))', awaitPromise: true });
    const shot = await s('Page.captureScreenshot', { format: 'png', clip: { x: 0, y: 0, width, height: h, scale: 1 } });
    const png = Buffer.from(shot.data, 'base64');
    const file = runs > 1 ? out.replace(/\.png$/, `-${run}.png`) : out;
    writeFileSync(file, png);
    const sha = createHash('sha256').update(png).digest('hex').slice(0, 16);
    results.push({ run, ready, ms, sha, file });
    console.log(JSON.stringify({ run, ready, readyMs: ms, sha256: sha, file, problems: JSON.parse(probs.result.value) }));
    await send('Target.closeTarget', { targetId });
  }
  if (runs > 1) {
    const sorted = results.map((r) => r.ms).sort((a, b) => a - b);
    const distinct = new Set(results.map((r) => r.sha)).size;
    console.log(JSON.stringify({ runs, medianReadyMs: sorted[Math.floor(sorted.length / 2)], distinctScreenshots: distinct }));
  }
  ws.close();
});
