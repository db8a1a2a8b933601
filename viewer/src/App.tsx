import { css } from '@emotion/css';
import { useEffect } from 'react';

import type { GrafanaTheme2 } from '@grafana/data';
import { GlobalStyles, Icon, PanelChrome, ThemeContext } from '@grafana/ui';

interface Props {
  theme: GrafanaTheme2;
}

/**
 * Placeholder page: proves the Grafana theme, GlobalStyles (fonts), icons and a
 * real @grafana/ui component render in this build. Dashboard rendering comes later.
 */
export function App({ theme }: Props) {
  useEffect(() => {
    // Two animation frames after the first commit, the page is drawn.
    requestAnimationFrame(() =>
      requestAnimationFrame(() => {
        document.body.dataset.ready = 'true';
      })
    );
  }, []);

  const page = css({
    padding: theme.spacing(2),
    minHeight: '100vh',
    boxSizing: 'border-box',
    background: theme.colors.background.canvas,
    color: theme.colors.text.primary,
  });

  return (
    <ThemeContext.Provider value={theme}>
      <GlobalStyles />
      <div className={page}>
        <h3>
          <Icon name="apps" /> MeshKit dashboards
        </h3>
        <div data-panel-id="0">
          <PanelChrome title="Viewer placeholder" width={480} height={160}>
            {(innerWidth: number, innerHeight: number) => (
              <div>
                No dashboard loaded yet ({innerWidth}×{innerHeight} px).
              </div>
            )}
          </PanelChrome>
        </div>
      </div>
    </ThemeContext.Provider>
  );
}
