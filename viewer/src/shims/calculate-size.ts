// See ./interop.ts (trap 1): re-export the CJS default of calculate-size properly.
import * as mod from 'calculate-size/lib/index.js';
import { cjsDefault } from './interop';

const calculateSize = cjsDefault<unknown>(mod);
export default calculateSize;
