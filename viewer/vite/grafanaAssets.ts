/**
 * Vite plugin: ship the static assets that @grafana/ui expects the Grafana
 * server to serve (trap 3 of shared/reference/grafana-ui-viewer.md).
 *
 * - Icons: @grafana/ui's `Icon` loads SVGs from `public/build/img/icons/`
 *   (components/Icon/utils: iconRoot = "public/build/img/icons/" unless
 *   window.__grafana_public_path__ is set). The package ships them under
 *   `@grafana/ui/dist/public/img/icons`.
 * - Fonts: `GlobalStyles` (themes/GlobalStyles/fonts) declares
 *   `public/fonts/inter/Inter-{Regular,Medium,Italic,MediumItalic}.woff2` and
 *   Roboto Mono 400/500 as `public/fonts/roboto/L0xTDF4xlVMF-...woff2`.
 *   We fill those exact paths from the pinned @fontsource packages (latin
 *   subset, which covers U+0000-00FF incl. µ and °, general punctuation and
 *   U+2212 minus — everything Grafana's unit formatters emit).
 *
 * In `vite build` the files are emitted into dist/ at those paths; in
 * `vite dev` a middleware serves them from node_modules.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import type { Plugin } from 'vite';

const require = createRequire(import.meta.url);

/** The Roboto Mono file name GlobalStyles requests (same file for weights 400 and 500). */
export const ROBOTO_MONO_FILE = 'L0xTDF4xlVMF-BfR8bXMIhJHg45mwgGEFl0_3vrtSM1J-gEPT5Ese6hmHSh0mQ.woff2';

/** Target path (relative to dist/) → source file. */
export function grafanaAssetMap(): Map<string, string> {
  const map = new Map<string, string>();
  const pkgDir = (name: string) => dirname(require.resolve(`${name}/package.json`));

  const iconsDir = join(pkgDir('@grafana/ui'), 'dist', 'public', 'img', 'icons');
  for (const file of walk(iconsDir)) {
    const rel = relative(iconsDir, file).split(sep).join('/');
    map.set(`public/build/img/icons/${rel}`, file);
  }

  const inter = join(pkgDir('@fontsource/inter'), 'files');
  map.set('public/fonts/inter/Inter-Regular.woff2', join(inter, 'inter-latin-400-normal.woff2'));
  map.set('public/fonts/inter/Inter-Medium.woff2', join(inter, 'inter-latin-500-normal.woff2'));
  map.set('public/fonts/inter/Inter-Italic.woff2', join(inter, 'inter-latin-400-italic.woff2'));
  map.set('public/fonts/inter/Inter-MediumItalic.woff2', join(inter, 'inter-latin-500-italic.woff2'));

  const mono = join(pkgDir('@fontsource/roboto-mono'), 'files');
  map.set(`public/fonts/roboto/${ROBOTO_MONO_FILE}`, join(mono, 'roboto-mono-latin-400-normal.woff2'));
  return map;
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      out.push(...walk(p));
    } else {
      out.push(p);
    }
  }
  return out;
}

function contentType(path: string): string {
  if (path.endsWith('.svg')) {
    return 'image/svg+xml';
  }
  if (path.endsWith('.woff2')) {
    return 'font/woff2';
  }
  return 'application/octet-stream';
}

export function grafanaAssets(): Plugin {
  let assets: Map<string, string> | undefined;
  const get = () => (assets ??= grafanaAssetMap());
  return {
    name: 'meshkit-grafana-assets',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const url = decodeURIComponent((req.url ?? '').split('?')[0]).replace(/^\/+/, '');
        const src = get().get(url);
        if (!src) {
          next();
          return;
        }
        res.setHeader('Content-Type', contentType(url));
        res.end(readFileSync(src));
      });
    },
    generateBundle() {
      for (const [fileName, src] of get()) {
        this.emitFile({ type: 'asset', fileName, source: readFileSync(src) });
      }
    },
  };
}
