// Lambda entry point of transform (Handler: infra/handlers/transform.handler), invoked by the
// schedule in infra/loglake.yaml. Same shipping as handlers/addapart.mjs.
import { register } from 'tsx/esm/api';

register();
const mod = await import('../../transform/lambda.ts');

export const handler = mod.handler;
