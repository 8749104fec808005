// Boots the review latency bench: registers the TypeScript loader, then runs it.
import { register } from 'tsx/esm/api';

register();
await import('./reviewMain.ts');
