// Boots a bench child process: registers the TypeScript loader, then loads the child's entry.
// Plain JavaScript, because the process cannot load TypeScript before this runs.
import { register } from 'tsx/esm/api';

register();
await import('./childMain.ts');
