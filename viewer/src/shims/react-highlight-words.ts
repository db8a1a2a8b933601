// See ./interop.ts (trap 1): re-export the CJS default of react-highlight-words properly.
// @ts-expect-error deep CJS path has no type declarations
import * as mod from 'react-highlight-words/dist/main.js';
import { cjsDefault } from './interop';

const Highlighter = cjsDefault<unknown>(mod);
export default Highlighter;
