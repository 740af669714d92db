// Entry of a parity worker thread (parityWorkers.ts): loads TypeScript through tsx in this
// thread (loader hooks do not carry over from the parent), then runs parityWorkerMain.ts.
import { register } from 'tsx/esm/api';

register();
await import('./parityWorkerMain.ts');
