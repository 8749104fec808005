// Lambda entry point of compaction (Handler: infra/handlers/compact.handler), invoked daily by the
// schedule in infra/loglake.yaml. Same shipping as handlers/addapart.mjs.
import { register } from 'tsx/esm/api';

register();
const mod = await import('../../compact/lambda.ts');

export const handler = mod.handler;
