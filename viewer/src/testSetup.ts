/**
 * Vitest setup (see `test.setupFiles` in vite.config.ts). @grafana/ui cannot be loaded in Node
 * (it needs a browser DOM at import time), and the unit tests never render: the panel registry
 * imports the panels' components, so the library is replaced by an empty stand-in here. A test
 * that rendered a @grafana/ui component would fail loudly (no such export on the mock).
 */
import { vi } from 'vitest';

vi.mock('@grafana/ui', () => ({}));
