/** The page theme: Grafana's dark theme, or light with `?theme=light`. */
import { createTheme, type GrafanaTheme2 } from '@grafana/data';

/** `?theme=dark|light` (page contract); dark unless the URL says light. */
export function themeFromUrl(params: URLSearchParams): GrafanaTheme2 {
  const mode = params.get('theme') === 'light' ? 'light' : 'dark';
  return createTheme({ colors: { mode } });
}
