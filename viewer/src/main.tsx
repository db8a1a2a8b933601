/** Entry point: waits for every font face (trap 4), then renders the page (`App`) in the URL's theme. */
import { createRoot } from 'react-dom/client';
import { StrictMode } from 'react';

import { App } from './App';
import { themeFromUrl } from './theme';

/** Font faces the page uses; all must be loaded before the first draw (trap 4). */
const FONT_FACES = [
  '400 12px Inter',
  '500 12px Inter',
  'italic 400 12px Inter',
  'italic 500 12px Inter',
  '400 12px "Roboto Mono"',
  '500 12px "Roboto Mono"',
];

async function boot(): Promise<void> {
  await Promise.all(FONT_FACES.map((f) => document.fonts.load(f)));
  await document.fonts.ready;

  const root = document.getElementById('root');
  if (!root) {
    throw new Error('#root missing from index.html');
  }
  const theme = themeFromUrl(new URLSearchParams(window.location.search));
  createRoot(root).render(
    <StrictMode>
      <App theme={theme} />
    </StrictMode>
  );
}

void boot();
