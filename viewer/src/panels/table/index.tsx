/** The `table` panel: @grafana/ui's `Table` on the first frame, its defaults and the values it draws. */
import { Table } from '@grafana/ui';

import { DEFAULT_THRESHOLDS } from '../common';
import type { PanelDescriptor, PanelProps } from '../descriptor';

function TablePanel({ frames, options, width, height }: PanelProps) {
  return frames.length ? <Table data={frames[0]} width={width} height={height} showTypeIcons={false} cellHeight={options.cellHeight} /> : <div />;
}

export const table: PanelDescriptor = {
  type: 'table',
  defaults: {
    options: { showHeader: true, cellHeight: 'sm', footer: { show: false, reducer: ['sum'], countRows: false, fields: '' } },
    fieldConfig: {
      color: { mode: 'thresholds' },
      thresholds: DEFAULT_THRESHOLDS,
      custom: { align: 'auto', cellOptions: { type: 'auto' }, inspect: false, filterable: false },
    },
  },
  optionRules: {
    // The header is always drawn; footers, initial sorting and other frames are not.
    options: [
      { path: 'showHeader', allowed: [true] },
      { path: 'footer.show', allowed: [false] },
      { path: 'cellHeight', allowed: ['sm', 'md', 'lg'] },
      { path: 'frameIndex', allowed: [0] },
      { path: 'showTypeIcons', allowed: [false] },
    ],
  },
  drawsOnCanvas: false,
  runsQueries: true,
  drawsNoData: false,
  Component: TablePanel,
};
