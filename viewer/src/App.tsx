/**
 * The dashboard page (the contract visual/render.rs drives): `?dashboard=<uid>&from=&to=&var-x=&theme=&width=`.
 * Fetches the dashboard, resolves variables, lays the panels out on Grafana's grid, runs each
 * panel's queries through the same-origin Prometheus proxy and draws it with its type's
 * component from `panels/registry.ts` inside @grafana/ui's PanelChrome.
 * `window.__meshkitProblems` lists per-panel problems; `body[data-ready=true]` is set once every
 * panel has drawn, fonts are loaded and two animation frames have passed.
 */
import { css } from '@emotion/css';
import { useEffect, useMemo, useRef, useState } from 'react';

import { type DataFrame, dateTime, type GrafanaTheme2, type InterpolateFunction, type TimeRange } from '@grafana/data';
import { GlobalStyles, PanelChrome, ThemeContext } from '@grafana/ui';

import { applyConfig, applyTransformations, unsupportedTransformations } from './data/prepare';
import { withPluginDefaults, type Json } from './data/defaults';
import { fetchQueryVariableOptions, runPanelQueries, type QueryContext, type Target } from './data/query';
import { unsupportedMessage, unsupportedOptions } from './model/unsupportedOptions';
import { layoutDashboard, type LaidOutPanel, type PanelLike } from './model/layout';
import {
  interpolate,
  type ResolvedVariable,
  resolveVariable,
  urlVariableValues,
  type VariableModel,
} from './model/variables';
import { panelDescriptor, unsupportedTypeMessage } from './panels/registry';
import { isRow, RowHeader } from './panels/row';
import { dashboardTimeZone, gridWidthFor, PAGE_MARGIN, type PageParams, pageParams } from './data/page';
import type { FieldConfigSource } from './model/fieldConfig';

export type ProblemKind = 'query-error' | 'unsupported' | 'empty-result';
export interface Problem {
  panelId: number;
  title: string;
  kind: ProblemKind;
  message: string;
}

declare global {
  interface Window {
    __meshkitProblems: Problem[];
  }
}

interface Dashboard {
  uid: string;
  title?: string;
  timezone?: string;
  panels?: Panel[];
  templating?: { list?: Array<VariableModel & { regex?: string; sort?: number }> };
}

interface Panel extends PanelLike {
  id: number;
  type: string;
  title?: string;
  targets?: Target[];
  options?: Json;
  fieldConfig?: { defaults?: Json; overrides?: FieldConfigSource['overrides'] };
  transformations?: Array<{ id: string; options: Json; disabled?: boolean }>;
  maxDataPoints?: number;
  interval?: string;
}

async function resolveAllVariables(d: Dashboard, page: PageParams): Promise<Map<string, ResolvedVariable>> {
  const url = urlVariableValues(page.params);
  const vars = new Map<string, ResolvedVariable>();
  for (const v of d.templating?.list ?? []) {
    let options;
    if (v.type === 'query') {
      const q = typeof v.query === 'string' ? v.query : (v.query?.query ?? '');
      const ctx: QueryContext = { fromMs: page.fromMs, toMs: page.toMs, variables: vars, utcOffsetSec: 0 };
      try {
        options = await fetchQueryVariableOptions(q, v.regex, v.sort, ctx);
      } catch {
        options = undefined;
      }
    } else if (v.type === 'datasource') {
      options = [{ text: 'Prometheus', value: 'prometheus' }];
    }
    const resolved = resolveVariable(v, url[v.name], options);
    // A stored current value that no longer exists falls back to the first option (Grafana).
    if (v.type === 'query' && !url[v.name] && options && options.length && resolved.value !== '$__all') {
      const vals = Array.isArray(resolved.value) ? resolved.value : [resolved.value];
      if (vals.length === 0 || vals.some((x) => !options!.some((o) => o.value === x))) {
        vars.set(v.name, resolveVariable({ ...v, current: undefined }, undefined, options));
        continue;
      }
    }
    vars.set(v.name, resolved);
  }
  return vars;
}

type PanelState =
  | { state: 'loading' }
  | { state: 'done'; frames: DataFrame[]; problem?: Problem; options: Json; fieldConfig: FieldConfigSource };

interface PanelBoxProps {
  item: LaidOutPanel<Panel>;
  theme: GrafanaTheme2;
  timeRange: TimeRange;
  timeZone: string;
  variables: Map<string, ResolvedVariable>;
  onDone: (id: number, problem?: Problem) => void;
}

/** Grafana's `replaceVariables` for one panel: dashboard variables plus the scoped ones a caller passes. */
function useReplaceVariables(variables: Map<string, ResolvedVariable>): InterpolateFunction {
  return useMemo(
    () => (value: string, scoped?: Record<string, { text?: unknown; value?: unknown } | undefined>, format?: string | Function) =>
      interpolate(
        value,
        {
          variables,
          scopedVars: scoped
            ? Object.fromEntries(Object.entries(scoped).map(([k, v]) => [k, { text: String(v?.text ?? v?.value), value: String(v?.value) }]))
            : undefined,
        },
        typeof format === 'string' ? format : undefined
      ),
    [variables]
  );
}

function boxCss(item: LaidOutPanel<Panel>): string {
  return css({ position: 'absolute', left: item.left, top: item.top, width: item.width, height: item.height });
}

/** A row header in its grid box: no chrome, no queries, not waited for. */
function RowBox({ item, theme, variables }: Pick<PanelBoxProps, 'item' | 'theme' | 'variables'>) {
  const replaceVariables = useReplaceVariables(variables);
  return (
    <div data-panel-id={item.panel.id} className={boxCss(item)}>
      <RowHeader title={replaceVariables(item.panel.title ?? '')} theme={theme} />
    </div>
  );
}

function PanelBox({ item, theme, timeRange, timeZone, variables, onDone }: PanelBoxProps) {
  const { panel } = item;
  const descriptor = panelDescriptor(panel.type);
  const [st, setSt] = useState<PanelState>({ state: 'loading' });
  const el = useRef<HTMLDivElement>(null);
  const replaceVariables = useReplaceVariables(variables);
  const title = replaceVariables(panel.title ?? '');

  useEffect(() => {
    let cancelled = false;
    (async () => {
      const { options, defaults } = withPluginDefaults(panel.type, panel.options, panel.fieldConfig?.defaults);
      const fieldConfig: FieldConfigSource = { defaults, overrides: panel.fieldConfig?.overrides ?? [] };
      const problem = (kind: Problem['kind'], message: string): Problem => ({ panelId: panel.id, title, kind, message });
      if (!descriptor) {
        return { frames: [], options, fieldConfig, problem: problem('unsupported', unsupportedTypeMessage(panel.type)) };
      }
      // One problem per panel for every unsupported transformation and option it uses.
      const unsupported = unsupportedMessage(unsupportedTransformations(panel.transformations), unsupportedOptions(panel));
      if (unsupported) {
        return { frames: [], options, fieldConfig, problem: problem('unsupported', unsupported) };
      }
      if (!descriptor.runsQueries) {
        return { frames: [], options, fieldConfig };
      }
      try {
        let frames = await runPanelQueries(panel, item.width, {
          fromMs: timeRange.from.valueOf(),
          toMs: timeRange.to.valueOf(),
          variables,
          utcOffsetSec: 0,
        });
        const empty = frames.every((f) => f.length === 0);
        frames = await applyTransformations(frames, panel.transformations, replaceVariables);
        frames = applyConfig(frames, fieldConfig, theme, replaceVariables, timeZone);
        if (empty) {
          return { frames, options, fieldConfig, problem: problem('empty-result', 'No data') };
        }
        return { frames, options, fieldConfig };
      } catch (e) {
        return { frames: [], options, fieldConfig, problem: problem('query-error', e instanceof Error ? e.message : String(e)) };
      }
    })().then((r) => {
      if (!cancelled) {
        setSt({ state: 'done', ...r });
      }
    });
    return () => {
      cancelled = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // Drawn: the content is committed and, for canvas-based panels, a sized canvas exists.
  useEffect(() => {
    if (st.state !== 'done') {
      return;
    }
    let stop = false;
    const needsCanvas = !st.problem && Boolean(descriptor?.drawsOnCanvas);
    const started = performance.now();
    const check = () => {
      if (stop) {
        return;
      }
      const canvas = el.current?.querySelector('canvas');
      if (!needsCanvas || (canvas && canvas.width > 0) || performance.now() - started > 5000) {
        onDone(panel.id, st.problem);
        return;
      }
      requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
    return () => {
      stop = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [st]);

  const problem = st.state === 'done' ? st.problem : undefined;
  // The panel's component, when it is to draw (no problem, or an empty result).
  const Viz = st.state === 'done' && (!problem || problem.kind === 'empty-result') ? descriptor?.Component : undefined;
  return (
    <div data-panel-id={panel.id} className={boxCss(item)} ref={el}>
      <PanelChrome
        title={title}
        width={item.width}
        height={item.height}
        statusMessage={problem ? problem.message : undefined}
        loadingState={undefined}
        displayMode={panel.transparent ? 'transparent' : 'default'}
      >
        {(innerWidth: number, innerHeight: number) =>
          st.state !== 'done' ? null : problem?.kind === 'empty-result' && !descriptor?.drawsNoData ? (
            <div className={css({ display: 'flex', alignItems: 'center', justifyContent: 'center', height: '100%', color: theme.colors.text.secondary })}>
              No data
            </div>
          ) : Viz ? (
            <Viz
              frames={st.frames}
              options={st.options}
              fieldConfig={st.fieldConfig}
              width={innerWidth}
              height={innerHeight}
              timeRange={timeRange}
              timeZone={timeZone}
              theme={theme}
              replaceVariables={replaceVariables}
            />
          ) : (
            <div />
          )
        }
      </PanelChrome>
    </div>
  );
}

interface Loaded {
  dashboard: Dashboard;
  variables: Map<string, ResolvedVariable>;
  layout: LaidOutPanel<Panel>[];
}

export function App({ theme }: { theme: GrafanaTheme2 }) {
  const page = useMemo(() => pageParams(window.location.search), []);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<string | null>(null);
  const done = useRef(new Map<number, Problem | undefined>());
  const [problems, setProblems] = useState<Problem[]>([]);
  const margin = PAGE_MARGIN;
  const gridWidth = gridWidthFor(page.width);

  // The page is exactly `width` px wide, whatever the viewport.
  useEffect(() => {
    document.body.style.width = `${page.width}px`;
    document.body.style.overflowX = 'hidden';
  }, [page.width]);

  useEffect(() => {
    window.__meshkitProblems = [];
    (async () => {
      if (!page.uid) {
        throw new Error('no ?dashboard=<uid> given');
      }
      const res = await fetch(`api/dashboards/uid/${encodeURIComponent(page.uid)}`);
      if (!res.ok) {
        throw new Error(`dashboard ${page.uid}: HTTP ${res.status}`);
      }
      const dashboard = ((await res.json()) as { dashboard: Dashboard }).dashboard;
      const variables = await resolveAllVariables(dashboard, page);
      const layout = layoutDashboard((dashboard.panels ?? []) as Panel[], gridWidth);
      document.title = dashboard.title ?? dashboard.uid;
      setLoaded({ dashboard, variables, layout });
    })().catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  }, [page, gridWidth]);

  const signalReady = () => {
    void document.fonts.ready.then(() =>
      requestAnimationFrame(() =>
        requestAnimationFrame(() => {
          document.body.dataset.ready = 'true';
        })
      )
    );
  };

  useEffect(() => {
    if (error) {
      window.__meshkitProblems = [{ panelId: 0, title: '', kind: 'query-error', message: error }];
      signalReady();
    } else if (loaded && loaded.layout.filter((l) => !isRow(l.panel)).length === 0) {
      signalReady();
    }
  }, [error, loaded]);

  const onDone = (id: number, problem?: Problem) => {
    if (!loaded || done.current.has(id)) {
      return;
    }
    done.current.set(id, problem);
    const panels = loaded.layout.filter((l) => !isRow(l.panel));
    if (panels.every((l) => done.current.has(l.panel.id))) {
      window.__meshkitProblems = panels.map((l) => done.current.get(l.panel.id)).filter((p): p is Problem => Boolean(p));
      setProblems(window.__meshkitProblems);
      signalReady();
    }
  };

  const timeRange: TimeRange = useMemo(() => {
    const from = dateTime(page.fromMs);
    const to = dateTime(page.toMs);
    return { from, to, raw: { from, to } };
  }, [page]);

  const height = loaded ? Math.max(0, ...loaded.layout.map((l) => l.top + l.height)) : 0;
  const pageCss = css({
    padding: margin,
    width: page.width,
    minHeight: '100vh',
    boxSizing: 'border-box',
    background: theme.colors.background.canvas,
    color: theme.colors.text.primary,
  });

  return (
    <ThemeContext.Provider value={theme}>
      <GlobalStyles />
      <div className={pageCss}>
        {error && <div className={css({ color: theme.colors.error.text })}>{error}</div>}
        <script type="application/json" id="meshkit-problems" data-testid="problems">
          {JSON.stringify(problems)}
        </script>
        {loaded && (
          <div className={css({ position: 'relative', width: gridWidth, height })}>
            {loaded.layout.map((item) =>
              isRow(item.panel) ? (
                <RowBox key={item.panel.id} item={item} theme={theme} variables={loaded.variables} />
              ) : (
                <PanelBox
                  key={item.panel.id}
                  item={item}
                  theme={theme}
                  timeRange={timeRange}
                  timeZone={dashboardTimeZone(loaded.dashboard.timezone)}
                  variables={loaded.variables}
                  onDone={onDone}
                />
              )
            )}
          </div>
        )}
      </div>
    </ThemeContext.Provider>
  );
}
