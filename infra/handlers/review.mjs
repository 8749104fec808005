// Lambda entry point of the session-review API and page (Handler: infra/handlers/review.handler),
// behind the Function URL in infra/loglake.yaml. Same shipping as handlers/addapart.mjs.
import { register } from 'tsx/esm/api';

register();
const mod = await import('../../api/lambda.ts');

export const handler = mod.handler;
