import type { Context } from 'aws-lambda';
import { handle } from 'hono/aws-lambda';
import { containerLake } from '../lake/containerLake.ts';
import type { Lake } from '../lake/lake.ts';
import { openReviewApp } from './openReviewApp.ts';

type Handler = ReturnType<typeof handle>;

/**
 * The review app as a Lambda handler, for a Function URL or an API Gateway HTTP API (payload 2.0) or
 * REST API: the same app as `loglake serve`, opened once per container. A failed open is retried by
 * the next invocation.
 */
export function createReviewHandler(lake: () => Promise<Lake>) {
  let app: Promise<Handler> | undefined;
  return async (event: Parameters<Handler>[0], context: Context) => {
    if (app === undefined) {
      app = lake().then(async (l) => handle((await openReviewApp(l, { secureCookie: true })).app));
      app.catch(() => {
        app = undefined;
      });
    }
    return (await app)(event, context);
  };
}

/** The handler of infra/loglake.yaml's ReviewFunction. */
export const handler = createReviewHandler(containerLake());
