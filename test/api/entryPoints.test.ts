/** The review app's entry points: `loglake token`, the Lambda handler, and the transitive setting. */
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createVerifier,
  embeddedReviewPaths,
  LOCAL_AUDIENCE,
  LOCAL_ISSUER,
  readLocalKey,
} from '../../api/index.ts';
import { createReviewHandler } from '../../api/lambda.ts';
import { openReviewApp } from '../../api/openReviewApp.ts';
import type { CliIO } from '../../cli/io.ts';
import { main } from '../../cli/main.ts';
import { tempLake } from '../helpers/tempLake.ts';
import { type ReviewHarness, reviewHarness } from './harness.ts';
import { S } from './reviewFixture.ts';

let h: ReviewHarness;
beforeAll(async () => {
  h = await reviewHarness({ review: { transitive: true } });
}, 60_000);
afterAll(async () => h.done());

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = { out: (l) => out.push(l), err: (l) => err.push(l), isTTY: false };
  return { code: await main(argv, io), out, err };
}

describe('loglake token', () => {
  it('mints a token the local key verifies, and prints the sign-in link', async () => {
    const r = await cli('token', '--dir', h.dir, '--as', 'Manager-A', '--port', '9000');
    expect(r.code).toBe(0);
    const key = await readLocalKey(embeddedReviewPaths(h.lake.config).key);
    const verify = createVerifier({ issuer: LOCAL_ISSUER, audience: LOCAL_AUDIENCE, jwks: key!.jwks });
    expect(await verify(r.out[0])).toEqual({ identity: 'manager-a' });
    expect(r.err[0]).toBe(`review page: http://127.0.0.1:9000/review/login?token=${r.out[0]}`);
  });

  it('needs the identity', async () => {
    const r = await cli('token', '--dir', h.dir);
    expect(r.code).toBe(1);
    expect(r.err[0]).toContain('--as manager-a');
  });
});

describe('with review.transitive', () => {
  it('gives a director the sessions of their managers and of their managers’ reports', async () => {
    const r = await h.get('/sessions?from=2026-10-01T00:00:00Z&limit=200', await h.token('director-1'));
    const ids = ((await r.json()) as { sessions: { id: string }[] }).sessions.map((s) => s.id);
    expect(ids).toHaveLength(9);
    expect(ids).toContain(S.managerA.sessionId);
    expect(ids).toContain(S.iamUser.sessionId);
    expect(ids).not.toContain(S.root.sessionId);
  });
});

describe('the Lambda handler', () => {
  type FunctionUrlEvent = Parameters<ReturnType<typeof createReviewHandler>>[0];
  const event = (path: string, token: string, query = ''): FunctionUrlEvent =>
    ({
      version: '2.0',
      routeKey: '$default',
      rawPath: path,
      rawQueryString: query,
      headers: { authorization: `Bearer ${token}`, host: 'abc.lambda-url.eu-west-1.on.aws' },
      requestContext: {
        accountId: '111122223333',
        apiId: 'abc',
        domainName: 'abc.lambda-url.eu-west-1.on.aws',
        domainPrefix: 'abc',
        http: { method: 'GET', path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'curl/8' },
        requestId: 'r-1',
        routeKey: '$default',
        stage: '$default',
        time: '06/Nov/2026:00:00:00 +0000',
        timeEpoch: 1793923200000,
      },
      body: null,
      isBase64Encoded: false,
    }) as unknown as FunctionUrlEvent;

  it('serves the same app from a Function URL event, on record with the caller’s address', async () => {
    const handler = createReviewHandler(async () => h.lake);
    const token = await h.token('manager-b');
    const res = (await handler(event('/sessions', token, 'from=2026-10-01T00:00:00Z'), {} as Context)) as {
      statusCode: number;
      body: string;
    };
    expect(res.statusCode).toBe(200);
    const ids = (JSON.parse(res.body) as { sessions: { id: string }[] }).sessions.map((s) => s.id).sort();
    expect(ids).toEqual([S.iamUser.sessionId, S.chained.sessionId].sort());
    const missing = (await handler(event('/sessions/nope', token), {} as Context)) as { statusCode: number };
    expect(missing.statusCode).toBe(404);
    const rows = (await h.accessLog()).slice(-2);
    expect(rows.map((r) => [r.actor, r.action, r.status, r.source_ip])).toEqual([
      ['manager-b', 'GET /sessions', 200, '203.0.113.7'],
      ['manager-b', 'GET /sessions/{id}', 404, '203.0.113.7'],
    ]);
  });
});

describe('start-up', () => {
  it('refuses to serve without a directory, naming the file', async () => {
    const t = await tempLake();
    try {
      await expect(openReviewApp(t.lake)).rejects.toThrow(
        /directory file not found: .*review\/directory\.json/,
      );
    } finally {
      await t.done();
    }
  });

  it('logs a request for a route that does not exist as such', async () => {
    const r = await h.get('/sessions/x/nothing-here', await h.token('manager-a'));
    expect(r.status).toBe(404);
    const [row] = (await h.accessLog()).slice(-1);
    expect([row!.action, row!.status, row!.result]).toEqual([
      'GET /sessions/{id}/nothing-here',
      404,
      'no_route',
    ]);
  });
});
