/** The review API's behaviour: 404s, injection, paging, decisions, context and the access log. */
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drainQueue } from '../../addapart/drainQueue.ts';
import { runTransform } from '../../transform/runTransform.ts';
import { type ReviewHarness, reviewHarness } from './harness.ts';
import { ACCOUNT, OTHER_ACCOUNT, P, S } from './reviewFixture.ts';

let h: ReviewHarness;
let a: string;
let b: string;
beforeAll(async () => {
  h = await reviewHarness();
  a = await h.token('manager-a');
  b = await h.token('manager-b');
}, 60_000);
afterAll(async () => h.done());

const FROM = 'from=2026-10-01T00:00:00Z';
type Listed = {
  sessions: { id: string; state: string; accountId: string; logEvents: number }[];
  nextCursor: string | null;
};
const list = async (query: string, token = a) => {
  const r = await h.get(`/sessions?${FROM}&${query}`, token);
  return { status: r.status, body: (await r.json()) as Listed };
};

describe('a session of another team answers exactly like one that does not exist', () => {
  const shapes: [string, (id: string) => Promise<Response>][] = [
    ['GET /sessions/{id}', (id) => h.get(`/sessions/${id}`, a)],
    ['GET /sessions/{id}/transcript', (id) => h.get(`/sessions/${id}/transcript`, a)],
    ['POST /sessions/{id}/review', (id) => h.post(`/sessions/${id}/review`, { decision: 'justified' }, a)],
  ];
  for (const [name, call] of shapes) {
    it(name, async () => {
      const other = await call(S.iamUser.sessionId);
      const missing = await call('employee-3-0ffffffffffffffff');
      expect(other.status).toBe(404);
      expect(missing.status).toBe(other.status);
      expect([...missing.headers.entries()]).toEqual([...other.headers.entries()]);
      expect(await missing.text()).toBe(await other.text());
    });
  }

  it('records the difference for auditors only', async () => {
    await h.get(`/sessions/${S.chained.sessionId}`, a);
    await h.get('/sessions/no-such-session', a);
    const rows = (await h.accessLog()).slice(-2);
    expect(rows.map((r) => [r.target, r.status, r.result])).toEqual([
      [S.chained.sessionId, 404, 'other_team'],
      ['no-such-session', 404, 'not_found'],
    ]);
  });
});

describe('injection attempts change nothing', () => {
  const attacks = [
    "' OR '1'='1",
    "x' UNION SELECT useridentity_arn FROM from_cloudtrail_readready --",
    "'; DROP TABLE loglake_session_reviews; --",
    `${S.iamUser.sessionId}' OR sessionid IS NOT NULL --`,
    '%',
    '\\',
  ];

  it('in the session id of every endpoint: 404, and no other session is touched', async () => {
    for (const id of attacks) {
      const e = encodeURIComponent(id);
      expect((await h.get(`/sessions/${e}`, a)).status, id).toBe(404);
      expect((await h.get(`/sessions/${e}/transcript`, a)).status, id).toBe(404);
      expect((await h.post(`/sessions/${e}/review`, { decision: 'justified' }, a)).status, id).toBe(404);
      expect((await h.get(`/review/sessions/${e}`, a)).status, id).toBe(404);
    }
  });

  it('in the list filters: refused by validation', async () => {
    for (const q of [
      `account=${encodeURIComponent(`${ACCOUNT}' OR '1'='1`)}`,
      `state=${encodeURIComponent("pending' OR '1'='1")}`,
      `from=${encodeURIComponent("2026-11-01' OR '1'='1")}`,
      `to=${encodeURIComponent('2026-11-01; DROP TABLE x')}`,
      `limit=${encodeURIComponent('1; DROP TABLE x')}`,
      `cursor=${encodeURIComponent("' OR 1=1 --")}`,
    ]) {
      const r = await h.get(`/sessions?${q}`, a);
      expect(r.status, q).toBe(400);
      expect(((await r.json()) as { error: string }).error).toBe('invalid_request');
    }
  });

  it('in a well-formed cursor: bound as a value, so only the team’s sessions come back', async () => {
    const cursor = Buffer.from(
      JSON.stringify({ t: '2026-12-01T00:00:00.000Z', r: "zzz' OR employee IS NOT NULL OR '1'='1" }),
    ).toString('base64url');
    const { status, body } = await list(`cursor=${cursor}&limit=200`);
    expect(status).toBe(200);
    expect(body.sessions.map((s) => s.id)).not.toContain(S.iamUser.sessionId);
    expect(body.sessions).toHaveLength(6);
  });

  it('in a comment and the JSON body: stored verbatim, tables intact', async () => {
    const comment = "'); DROP TABLE loglake_session_reviews; -- <script>alert(1)</script>";
    const r = await h.post(`/sessions/${S.sso3.sessionId}/review`, { decision: 'not_justified', comment }, a);
    expect(r.status).toBe(201);
    const d = (await (await h.get(`/sessions/${S.sso3.sessionId}`, a)).json()) as {
      decisions: { comment: string }[];
    };
    expect(d.decisions.map((x) => x.comment)).toEqual([comment]);
    const page = await (await h.get(`/review/sessions/${S.sso3.sessionId}`, a)).text();
    expect(page).not.toContain('<script>alert(1)</script>');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    const bad = await h.post(
      `/sessions/${S.sso3.sessionId}/review`,
      { decision: "justified' --", comment: 'x' },
      a,
    );
    expect(bad.status).toBe(400);
    const extra = await h.post(
      `/sessions/${S.sso3.sessionId}/review`,
      { decision: 'justified', sql: 'x' },
      a,
    );
    expect(extra.status).toBe(400);
    expect((await h.post(`/sessions/${S.sso3.sessionId}/review`, '{not json', a)).status).toBe(400);
  });
});

describe('listing', () => {
  it('pages with a stable cursor, newest first, every session exactly once', async () => {
    const full = (await list('limit=200')).body.sessions.map((s) => s.id);
    expect(full).toHaveLength(6);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const { body } = await list(`limit=4${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...body.sessions.map((s) => s.id));
      cursor = body.nextCursor;
      pages++;
      if (pages === 1) {
        // A newer session lands between pages: the next page neither repeats nor skips.
        const rec = {
          eventVersion: '1.09',
          userIdentity: { type: 'AssumedRole', arn: P.sso, accountId: ACCOUNT },
          eventTime: '2026-11-05T09:00:00Z',
          eventSource: 'ssm.amazonaws.com',
          eventName: 'StartSession',
          awsRegion: 'eu-west-1',
          requestParameters: { target: 'i-0abc1234def567899' },
          responseElements: { sessionId: 'employee-1-0late0000000000001' },
          eventID: '00000000-0000-4000-8000-0000000late1',
          recipientAccountId: ACCOUNT,
          eventType: 'AwsApiCall',
        };
        await h.lake.raw.put(
          `AWSLogs/${ACCOUNT}/CloudTrail/eu-west-1/2026/11/05/${ACCOUNT}_CloudTrail_eu-west-1_20261105T0900Z_Late0001.json.gz`,
          gzipSync(JSON.stringify({ Records: [rec] })),
        );
        await drainQueue(h.lake);
        await runTransform(h.lake);
      }
    } while (cursor !== null);
    expect(pages).toBe(2);
    expect(seen).toEqual(full);
    expect((await list('limit=200')).body.sessions[0]!.id).toBe('employee-1-0late0000000000001');
  });

  it('filters by account, time range and review state (overdue after 7 days)', async () => {
    expect((await list(`account=${OTHER_ACCOUNT}`)).body.sessions.map((s) => s.id)).toEqual([
      S.sso3.sessionId,
    ]);
    const range = await h.get('/sessions?from=2026-11-02T00:00:00Z&to=2026-11-03T00:00:00Z', a);
    expect(((await range.json()) as Listed).sessions.map((s) => s.id).sort()).toEqual(
      [S.sso2.sessionId, S.saml.sessionId].sort(),
    );
    expect((await list('state=overdue')).body.sessions.map((s) => s.id)).toEqual([S.ssoOld.sessionId]);
    const pending = (await list('state=pending')).body.sessions.map((s) => s.id);
    expect(pending).toContain(S.ssoFailed.eventId);
    expect(pending).not.toContain(S.ssoOld.sessionId);
  });

  it('lists a failed StartSession by its eventid, with its error code', async () => {
    const failed = (await list('limit=200')).body.sessions.find(
      (s) => s.id === S.ssoFailed.eventId,
    ) as unknown as {
      sessionId: string | null;
      errorCode: string;
    };
    expect(failed.sessionId).toBeNull();
    expect(failed.errorCode).toBe('AccessDenied');
  });
});

describe('one session', () => {
  it('has the StartSession metadata, every line in order, and the context around it', async () => {
    const r = await h.get(`/sessions/${S.sso1.sessionId}`, a);
    const d = (await r.json()) as {
      session: Record<string, unknown>;
      lines: { time: string; text: string }[];
      endTime: string;
      context: { calls: { eventName: string; time: string }[] };
    };
    expect(d.session).toMatchObject({
      id: S.sso1.sessionId,
      principalArn: P.sso,
      accountId: ACCOUNT,
      region: 'eu-west-1',
      sourceIp: '198.51.100.23',
      employee: 'employee-1@example.com',
      startTime: S.sso1.start,
      dueAt: '2026-11-08T08:15:02.000Z',
      errorCode: null,
      logEvents: 2,
    });
    expect(d.lines).toEqual([
      { time: '2026-11-01T08:15:07.000Z', text: '$ sudo -i' },
      { time: '2026-11-01T08:15:07.000Z', text: '# id' },
      { time: '2026-11-01T08:15:08.000Z', text: "# echo '; DROP TABLE x; --'" },
    ]);
    // Ends at its TerminateSession, 20 minutes after the start; the window opens 60 minutes before.
    expect(d.endTime).toBe('2026-11-01T08:35:02.000Z');
    expect(d.context.calls.map((c) => c.eventName)).toEqual([
      'DescribeInstances',
      'ListBuckets',
      'TerminateSession',
    ]);
  });

  it('shows the AssumeRoleWithSAML that created a SAML session as context', async () => {
    const d = (await (await h.get(`/sessions/${S.saml.sessionId}`, a)).json()) as {
      context: { calls: { eventName: string; principalArn: string | null }[] };
    };
    expect(d.context.calls.map((c) => c.eventName)).toEqual([
      'AssumeRoleWithSAML',
      'DescribeInstances',
      'ListBuckets',
      'TerminateSession',
    ]);
  });

  it('keeps a log event whose message is not JSON as a line of its own', async () => {
    const text = await (await h.get(`/sessions/${S.sso2.sessionId}/transcript`, a)).text();
    expect(text).toBe(
      '2026-11-02T09:00:05.000Z  $ uptime\n2026-11-02T09:00:14.000Z  not JSON: agent restarted\n',
    );
  });

  it('shows the AssumeRole of a caller with the same source identity as context of a chained role session', async () => {
    const d = (await (await h.get(`/sessions/${S.chained.sessionId}`, b)).json()) as {
      context: { calls: { eventName: string }[] };
    };
    // DescribeInstances 10 minutes before the start, the AssumeRole 5 minutes before.
    expect(d.context.calls.map((c) => c.eventName)).toEqual([
      'DescribeInstances',
      'AssumeRole',
      'ListBuckets',
      'TerminateSession',
    ]);
  });

  it('serves a failed StartSession by its eventid, with no lines', async () => {
    const d = (await (await h.get(`/sessions/${S.ssoFailed.eventId}`, a)).json()) as {
      session: { errorCode: string; errorMessage: string };
      lines: unknown[];
    };
    expect(d.session.errorCode).toBe('AccessDenied');
    expect(d.lines).toEqual([]);
  });

  it('gives a plain-text transcript, one line per keystroke line with its time', async () => {
    const r = await h.get(`/sessions/${S.sso1.sessionId}/transcript`, a);
    expect(r.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await r.text()).toBe(
      "2026-11-01T08:15:07.000Z  $ sudo -i\n2026-11-01T08:15:07.000Z  # id\n2026-11-01T08:15:08.000Z  # echo '; DROP TABLE x; --'\n",
    );
  });
});

describe('decisions', () => {
  it('are append-only: a later one supersedes, the earlier one stays', async () => {
    const id = S.saml.sessionId;
    const first = await h.post(
      `/sessions/${id}/review`,
      { decision: 'justified', comment: 'ticket OPS-1' },
      a,
    );
    expect(first.status).toBe(201);
    const second = await h.post(
      `/sessions/${id}/review`,
      { decision: 'not_justified', comment: 'no ticket after all' },
      a,
    );
    expect(second.status).toBe(201);
    const d = (await (await h.get(`/sessions/${id}`, a)).json()) as {
      session: { state: string; decision: string; reviewer: string };
      decisions: { decision: string; comment: string; reviewer: string }[];
    };
    expect(d.decisions.map((x) => [x.decision, x.comment, x.reviewer])).toEqual([
      ['justified', 'ticket OPS-1', 'manager-a'],
      ['not_justified', 'no ticket after all', 'manager-a'],
    ]);
    expect(d.session).toMatchObject({
      state: 'not_justified',
      decision: 'not_justified',
      reviewer: 'manager-a',
    });
    expect((await list('state=not_justified')).body.sessions.map((s) => s.id)).toContain(id);
    expect((await list('state=pending')).body.sessions.map((s) => s.id)).not.toContain(id);
    const engine = await h.lake.openQueryEngine();
    try {
      const rows = await engine.query(
        'SELECT decision FROM loglake_session_reviews WHERE session_ref = ? ORDER BY decided_ms',
        [id],
      );
      expect(rows.rows.map((r) => r.decision)).toEqual(['justified', 'not_justified']);
    } finally {
      await engine.close();
    }
  });
});

describe('access log', () => {
  it('has one row per request: who, what, when, result, refusals included', async () => {
    const before = (await h.accessLog()).length;
    await h.get(`/sessions?${FROM}`, a);
    await h.get(`/sessions/${S.sso2.sessionId}`, a);
    await h.get(`/sessions/${S.sso2.sessionId}/transcript`, a);
    await h.post(`/sessions/${S.sso2.sessionId}/review`, { decision: 'justified', comment: 'fine' }, a);
    await h.get(`/sessions/${S.sso2.sessionId}`, b);
    await h.get('/sessions');
    await h.get('/sessions?state=nope', a);
    const rows = (await h.accessLog()).slice(before);
    expect(rows.map((r) => [r.actor, r.action, r.target, r.status, r.result])).toEqual([
      ['manager-a', 'GET /sessions', null, 200, 'ok'],
      ['manager-a', 'GET /sessions/{id}', S.sso2.sessionId, 200, 'ok'],
      ['manager-a', 'GET /sessions/{id}/transcript', S.sso2.sessionId, 200, 'ok'],
      ['manager-a', 'POST /sessions/{id}/review', S.sso2.sessionId, 201, 'ok'],
      ['manager-b', 'GET /sessions/{id}', S.sso2.sessionId, 404, 'other_team'],
      [null, 'GET /sessions', null, 401, 'unauthenticated'],
      ['manager-a', 'GET /sessions', null, 400, 'invalid_request'],
    ]);
    expect(JSON.parse(String(rows[0]!.detail))).toMatchObject({
      from: '2026-10-01T00:00:00Z',
      limit: 50,
      returned: 7,
    }); // 6 + the late one of the paging test;
    expect(JSON.parse(String(rows[3]!.detail))).toMatchObject({ decision: 'justified' });
    for (const r of rows) expect(r.logged_at).toBeInstanceOf(Date);
  });

  it('is a catalog table auditors query with SQL, partitioned by day', async () => {
    const parts = await h.lake.catalog.listPartitions('loglake', 'loglake_access_log');
    expect(parts.map((p) => p.values)).toEqual([[new Date().toISOString().slice(0, 10)]]);
    expect((await h.lake.catalog.getTable('loglake', 'loglake_session_reviews'))?.format).toBe('parquet');
  });
});

describe('OpenAPI document', () => {
  it('is generated from the schemas and describes every endpoint', async () => {
    const r = await h.get('/openapi.json');
    const doc = (await r.json()) as {
      paths: Record<string, Record<string, unknown>>;
      components: { schemas: Record<string, unknown> };
    };
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/sessions',
      '/sessions/{id}',
      '/sessions/{id}/review',
      '/sessions/{id}/transcript',
    ]);
    expect(Object.keys(doc.paths['/sessions/{id}/review']!)).toEqual(['post']);
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining(['SessionSummary', 'SessionDetail', 'Decision']),
    );
  });
});
