import type { OpenAPIHono } from '@hono/zod-openapi';
import type { ReviewEnv } from '../../api/env.ts';
import {
  embeddedReviewPaths,
  ensureLocalKey,
  type LocalKey,
  mintToken,
  openReviewApp,
} from '../../api/index.ts';
import type { ReviewService } from '../../api/reviewService.ts';
import type { LoglakeConfigInput } from '../../lake/config.ts';
import type { Lake } from '../../lake/lake.ts';
import { tempLake } from '../helpers/tempLake.ts';
import { buildReviewFixture, NOW } from './reviewFixture.ts';

/** A fixture lake with the review app over it, and tokens for the fixture's people. */
export interface ReviewHarness {
  lake: Lake;
  dir: string;
  app: OpenAPIHono<ReviewEnv>;
  service: ReviewService;
  key: LocalKey;
  token(subject: string, opts?: Parameters<typeof mintToken>[1]): Promise<string>;
  get(path: string, token?: string, headers?: Record<string, string>): Promise<Response>;
  post(path: string, body: unknown, token?: string): Promise<Response>;
  /** Access-log rows, oldest first. */
  accessLog(): Promise<Record<string, unknown>[]>;
  done(): Promise<void>;
}

export async function reviewHarness(config: LoglakeConfigInput = {}): Promise<ReviewHarness> {
  const t = await tempLake(config);
  await buildReviewFixture(t.lake);
  const key = await ensureLocalKey(embeddedReviewPaths(t.lake.config).key);
  // A fresh engine per request, so data a test lands mid-way is seen at once.
  const opened = await openReviewApp(t.lake, { now: () => NOW, engineMaxAgeMs: 0 });
  const auth = (token?: string): Record<string, string> =>
    token === undefined ? {} : { authorization: `Bearer ${token}` };
  return {
    lake: t.lake,
    dir: t.dir,
    app: opened.app,
    service: opened.service,
    key,
    token: (subject, opts) => mintToken(key, { ...opts, subject: opts?.subject ?? subject }),
    get: async (path, token, headers = {}) =>
      opened.app.request(path, { headers: { ...auth(token), ...headers } }),
    post: async (path, body, token) =>
      opened.app.request(path, {
        method: 'POST',
        headers: { ...auth(token), 'content-type': 'application/json' },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    async accessLog() {
      const engine = await t.lake.openQueryEngine();
      try {
        return (await engine.query('SELECT * FROM loglake_access_log ORDER BY logged_at, request_id')).rows;
      } finally {
        await engine.close();
      }
    },
    async done() {
      await opened.close();
      await t.done();
    },
  };
}
