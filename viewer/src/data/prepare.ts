/**
 * Frames → display-ready frames, the path Grafana's PanelQueryRunner + applyFieldOverrides
 * follow: transformations (Grafana's own transformers), then field config (trap 2: defaults and
 * overrides merged by model/fieldConfig.ts, since the standalone registry is empty), then
 * `applyFieldOverrides` for display processors, state and scale.
 */
import {
  applyFieldOverrides,
  type DataFrame,
  type DataTransformerConfig,
  type FieldConfig as GFieldConfig,
  type GrafanaTheme2,
  type InterpolateFunction,
  standardTransformers,
  standardTransformersRegistry,
  transformDataFrame,
  type TimeZone,
} from '@grafana/data';
import { firstValueFrom } from 'rxjs';

import { applyFieldConfig, type FieldConfigSource, normalizeThresholds } from '../model/fieldConfig';

let registryReady = false;
function initTransformers(): void {
  if (registryReady) {
    return;
  }
  registryReady = true;
  // Grafana's list has entries sharing ids/aliases (e.g. joinByField / seriesToColumns, noop);
  // the registry rejects duplicates, so keep the first of each.
  const seen = new Set<string>();
  const unique = Object.values(standardTransformers).filter((t) => {
    const ids = [t.id, ...(t.aliasIds ?? [])];
    if (ids.some((i) => seen.has(i))) {
      return false;
    }
    ids.forEach((i) => seen.add(i));
    return true;
  });
  standardTransformersRegistry.setInit(() =>
    unique.map((t) => ({
      id: t.id,
      aliasIds: t.aliasIds,
      name: t.name,
      description: t.description,
      transformation: () => Promise.resolve(t),
      editor: () => null,
      imageDark: '',
      imageLight: '',
    })) as never
  );
}

/** Transformation ids this viewer cannot run (not among Grafana's standard transformers). */
export function unsupportedTransformations(transformations: DataTransformerConfig[] | undefined): string[] {
  initTransformers();
  return (transformations ?? []).filter((t) => !t.disabled && !standardTransformersRegistry.getIfExists(t.id)).map((t) => t.id);
}

export async function applyTransformations(
  frames: DataFrame[],
  transformations: DataTransformerConfig[] | undefined,
  replaceVariables: InterpolateFunction
): Promise<DataFrame[]> {
  const active = (transformations ?? []).filter((t) => !t.disabled);
  if (active.length === 0) {
    return frames;
  }
  initTransformers();
  return firstValueFrom(transformDataFrame(active, frames, { interpolate: replaceVariables }));
}

/** Merged field configs set on each field, then Grafana's applyFieldOverrides (empty sources). */
export function applyConfig(
  frames: DataFrame[],
  source: FieldConfigSource,
  theme: GrafanaTheme2,
  replaceVariables: InterpolateFunction,
  timeZone: TimeZone
): DataFrame[] {
  const configs = applyFieldConfig(frames, source);
  const withConfig = frames.map((f, i) => ({
    ...f,
    fields: f.fields.map((field, j) => {
      const config = configs[i][j] as GFieldConfig;
      if (config.thresholds) {
        config.thresholds = normalizeThresholds(config.thresholds as never) as never;
      }
      return { ...field, config, state: undefined };
    }),
  }));
  return applyFieldOverrides({
    data: withConfig,
    fieldConfig: { defaults: {}, overrides: [] },
    replaceVariables,
    theme,
    timeZone,
  });
}
