/**
 * Rows (`type: "row"`): not a panel type of the registry but a grid header. `model/layout.ts`
 * places them (expanded); the page draws them here, without PanelChrome, queries or problems,
 * and does not wait for them before signalling ready.
 */
import { css } from '@emotion/css';

import type { GrafanaTheme2 } from '@grafana/data';
import { Icon } from '@grafana/ui';

export const ROW_TYPE = 'row';

export function isRow(panel: { type: string }): boolean {
  return panel.type === ROW_TYPE;
}

/** Grafana's expanded row header: a chevron and the (interpolated) title. */
export function RowHeader({ title, theme }: { title: string; theme: GrafanaTheme2 }) {
  return (
    <div
      className={css({
        display: 'flex',
        alignItems: 'center',
        height: '100%',
        fontSize: theme.typography.h5.fontSize,
        fontWeight: theme.typography.fontWeightMedium,
        color: theme.colors.text.primary,
        gap: theme.spacing(1),
      })}
    >
      <Icon name="angle-down" />
      {title}
    </div>
  );
}
