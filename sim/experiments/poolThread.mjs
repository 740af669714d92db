// A pool thread starts as plain Node: it loads tsx first, then the TypeScript body (poolWorker.ts).
import { register } from 'tsx/esm/api';

register();
const body = await import('./poolWorker.ts');
export default body.default;
