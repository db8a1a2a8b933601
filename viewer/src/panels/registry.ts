/**
 * The panel types the viewer draws: one descriptor per `panels/<type>/` folder. The page (which
 * component, whether to query), the plugin defaults (`data/defaults.ts`), the unsupported-option
 * check (`model/unsupportedOptions.ts`) and the ready logic (canvas or not) all read this list;
 * a type not listed here is reported as an unsupported panel type.
 */
import { bargauge } from './bargauge';
import type { PanelDescriptor } from './descriptor';
import { gauge } from './gauge';
import { stat } from './stat';
import { stateTimeline } from './state-timeline';
import { table } from './table';
import { text } from './text';
import { timeseries } from './timeseries';

export const PANELS: readonly PanelDescriptor[] = [timeseries, stat, gauge, bargauge, table, stateTimeline, text];

const BY_TYPE = new Map(PANELS.map((p) => [p.type, p]));

/** The descriptor of a panel type, or undefined when the viewer does not draw that type. */
export function panelDescriptor(type: string): PanelDescriptor | undefined {
  return BY_TYPE.get(type);
}

/** The problem message for a panel type the registry does not list. */
export function unsupportedTypeMessage(type: string): string {
  return `Unsupported panel type: ${type}`;
}
