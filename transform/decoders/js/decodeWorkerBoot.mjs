// Boots a decode worker thread: registers the TypeScript loader for this thread, then loads the
// worker module. Plain JavaScript, because a worker cannot load TypeScript before this runs.
import { register } from 'tsx/esm/api';

register();
await import('./decodeWorker.ts');
