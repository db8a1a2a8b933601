/**
 * CommonJS default-export interop for the handful of CJS packages that
 * @grafana/ui imports with a default import.
 *
 * Trap 1 of shared/reference/grafana-ui-viewer.md: Vite 8 resolves
 * `import X from 'react-custom-scrollbars-2'` (and friends) to the module
 * namespace / `module.exports` object instead of the component, which makes
 * React throw error #130 ("element type is invalid: got object"). The shims in
 * this folder import the package by its deep CJS path (so the alias in
 * vite.config.ts does not loop) and hand back the real default export.
 */
export function cjsDefault<T>(mod: unknown): T {
  let cur: unknown = mod;
  // Unwrap `{ default: { default: X } }` chains produced by double interop,
  // but never unwrap a function (a component / plain function is the answer).
  for (let i = 0; i < 3; i++) {
    if (cur && typeof cur === 'object' && 'default' in (cur as Record<string, unknown>)) {
      cur = (cur as Record<string, unknown>).default;
    } else {
      break;
    }
  }
  return cur as T;
}
