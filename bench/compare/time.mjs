#!/usr/bin/env node
// Times whole processes (start, PNG decode, compare, exit) on the pairs make-pairs.mjs wrote:
//   node time.mjs PAIRS_DIR MESHKIT_OBS_BIN [RUNS]
// Every measurement is one spawnSync, wall clock from before the spawn to after the exit, so each
// figure includes the same process-spawn overhead (printed to stderr, measured with /bin/true).
// Runs are interleaved (run 1 of every pair and tool, then run 2, ...) so drift in machine load
// spreads over all columns; one untimed warm-up round comes first. Exit codes are checked and the
// differing-pixel counts are reported, so a tool that silently fails cannot look fast.
// Prints one Markdown table (median milliseconds) on stdout.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const [dir, bin, runsArg = '15'] = process.argv.slice(2);
const runs = Number(runsArg);
if (!dir || !bin || !(runs >= 1)) {
  console.error('usage: time.mjs PAIRS_DIR MESHKIT_OBS_BIN [RUNS]');
  process.exit(2);
}
const odiff = createRequire(import.meta.url)('odiff-bin/binary.js').findBinary();
const wrapper = path.join(here, 'pixelmatch-cli.mjs');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'compare-bench-'));
const diffOut = (tool) => path.join(scratch, `${tool}.png`);

// count(stdout + stderr) -> differing pixels, or undefined when the tool does not say.
const tools = [
  // Either `--json` output or the summary line ("differ: 288 differing pixels ...").
  { name: 'meshkit-obs diff', cmd: bin, args: (e, a) => ['diff', e, a], ok: [0, 1], count: (s) => (s.match(/"diff_pixels":\s*(\d+)/) ?? s.match(/(\d+) differing pixels/))?.[1] },
  { name: 'meshkit-obs diff --diff-out', cmd: bin, args: (e, a) => ['diff', e, a, '--diff-out', diffOut('meshkit')], ok: [0, 1] },
  { name: 'odiff', cmd: odiff, args: (e, a) => [e, a, '--antialiasing', '--threshold', '0.1'], ok: [0, 22], count: (s) => (/identical/.test(s) ? '0' : s.match(/Found (\d+) different/)?.[1]) },
  { name: 'odiff + diff file', cmd: odiff, args: (e, a) => [e, a, diffOut('odiff'), '--antialiasing', '--threshold', '0.1'], ok: [0, 22] },
  { name: 'pixelmatch (node)', cmd: process.execPath, args: (e, a) => [wrapper, e, a, '--threshold', '0.1'], ok: [0, 1], count: (s) => s.match(/^(\d+)/)?.[1] },
];
const pairs = fs.readdirSync(dir).filter((f) => f.endsWith('.expected.png')).map((f) => f.slice(0, -'.expected.png'.length));
const order = ['identical', 'reencoded', 'small', 'large'];
const key = (p) => [Number(p.split('x').pop()), order.indexOf(p.split('-')[0])];
pairs.sort((a, b) => key(a)[0] - key(b)[0] || key(a)[1] - key(b)[1]);

function time(cmd, args) {
  const start = process.hrtime.bigint();
  const result = spawnSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  return { ms, result };
}

const samples = new Map(); // `${pair}\t${tool}` -> [ms]
const counts = new Map(); // pair -> { tool: count }
const baseline = [];
for (let round = 0; round <= runs; round++) {
  baseline.push(time('/bin/true', []).ms);
  for (const pair of pairs) {
    const e = path.join(dir, `${pair}.expected.png`);
    const a = path.join(dir, `${pair}.actual.png`);
    for (const tool of tools) {
      const { ms, result } = time(tool.cmd, tool.args(e, a));
      const output = result.stdout + result.stderr; // odiff reports on stderr when stdin is not a terminal
      if (!tool.ok.includes(result.status)) {
        console.error(`${tool.name} on ${pair}: exit ${result.status ?? result.signal}\n${result.stderr}${result.error ?? ''}`);
        process.exit(2);
      }
      if (round === 0) { // warm-up: record what the tool found
        if (tool.count) (counts.get(pair) ?? counts.set(pair, {}).get(pair))[tool.name] = tool.count(output) ?? '?';
        continue;
      }
      const k = `${pair}\t${tool.name}`;
      (samples.get(k) ?? samples.set(k, []).get(k)).push(ms);
    }
  }
  process.stderr.write(round === 0 ? 'warm-up done\n' : `run ${round}/${runs}\n`);
}
fs.rmSync(scratch, { recursive: true, force: true });

const median = (xs) => {
  const s = [...xs].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
console.error(`${runs} timed runs each, ${os.cpus().length} x ${cpu}; spawning /bin/true takes ${median(baseline.slice(1)).toFixed(1)} ms (included in every figure)`);
console.log(`| pair | ${tools.map((t) => `${t.name} (ms)`).join(' | ')} | differing px (meshkit-obs / odiff / pixelmatch) |`);
console.log(`|---|${tools.map(() => '---:').join('|')}|---|`);
for (const pair of pairs) {
  const row = tools.map((t) => median(samples.get(`${pair}\t${t.name}`)).toFixed(1));
  const c = counts.get(pair);
  console.log(`| ${pair} | ${row.join(' | ')} | ${tools.filter((t) => t.count).map((t) => c[t.name]).join(' / ')} |`);
}
