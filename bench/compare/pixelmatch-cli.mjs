#!/usr/bin/env node
// pixelmatch 7.2.0 as a process, for timing it the way the other tools are timed (decode included):
//   node pixelmatch-cli.mjs EXPECTED.png ACTUAL.png [DIFF.png] [--threshold T] [--include-aa]
// Prints the number of differing pixels; exit 0 when there are none, 1 when there are, 2 on error
// (unreadable file, or sizes differ: pixelmatch only compares equal sizes).
import fs from 'node:fs';
import { PNG } from 'pngjs';
import pixelmatch from 'pixelmatch';

const args = process.argv.slice(2);
const files = [];
let threshold = 0.1;
let includeAA = false;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--threshold') threshold = Number(args[++i]);
  else if (args[i] === '--include-aa') includeAA = true;
  else files.push(args[i]);
}
if (files.length < 2 || files.length > 3 || !(threshold >= 0 && threshold <= 1)) {
  console.error('usage: pixelmatch-cli.mjs EXPECTED ACTUAL [DIFF] [--threshold 0..1] [--include-aa]');
  process.exit(2);
}
try {
  const [a, b] = files.slice(0, 2).map((f) => PNG.sync.read(fs.readFileSync(f)));
  if (a.width !== b.width || a.height !== b.height) {
    console.error(`sizes differ: ${a.width}x${a.height} vs ${b.width}x${b.height}`);
    process.exit(2);
  }
  const diff = files[2] ? new PNG({ width: a.width, height: a.height }) : null;
  // Plain white behind transparency, as meshkit-obs and odiff do (pixelmatch 7 defaults to a checkerboard).
  const count = pixelmatch(a.data, b.data, diff?.data, a.width, a.height, { threshold, includeAA, checkerboard: false });
  if (diff) fs.writeFileSync(files[2], PNG.sync.write(diff));
  console.log(count);
  process.exit(count === 0 ? 0 : 1);
} catch (err) {
  console.error(err.message);
  process.exit(2);
}
