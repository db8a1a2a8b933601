// See ./interop.ts (trap 1): re-export the CJS default of react-custom-scrollbars-2 properly.
// @ts-expect-error deep CJS path has no type declarations
import * as mod from 'react-custom-scrollbars-2/lib/index.js';
import { cjsDefault } from './interop';

const Scrollbars = cjsDefault<unknown>(mod);
export { Scrollbars };
export default Scrollbars;
