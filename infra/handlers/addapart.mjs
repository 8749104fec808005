// Lambda entry point of addapart (Handler: infra/handlers/addapart.handler). The package ships the
// TypeScript sources with tsx, as the CLI does, so Lambda runs the very code the tests run.
import { register } from 'tsx/esm/api';

register();
const mod = await import('../../addapart/lambda.ts');

export const handler = mod.handler;
