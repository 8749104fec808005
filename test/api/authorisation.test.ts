/**
 * The authorisation matrix: two managers, their employees, an employee themself, no token and every
 * kind of bad token, over every endpoint of the API and the review page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ReviewHarness, reviewHarness } from './harness.ts';
import { S } from './reviewFixture.ts';
import { badTokens } from './tokens.ts';

let h: ReviewHarness;
let tokens: Record<string, string>;
let bad: Record<string, string>;
beforeAll(async () => {
  h = await reviewHarness();
  tokens = {
    managerA: await h.token('manager-a'),
    managerB: await h.token('manager-b'),
    employee1: await h.token('employee-1@example.com'),
    director: await h.token('director-1'),
  };
  bad = await badTokens(h.key, 'manager-a');
}, 60_000);
afterAll(async () => h.done());

const teamA = [S.sso1, S.sso2, S.sso3, S.ssoFailed, S.ssoOld, S.saml];
const teamB = [S.iamUser, S.chained];
const ref = (s: { sessionId: string | null; eventId: string }) => s.sessionId ?? s.eventId;
const all = Object.values(S);

async function listIds(token: string): Promise<string[]> {
  const r = await h.get('/sessions?from=2026-10-01T00:00:00Z&limit=200', token);
  expect(r.status).toBe(200);
  return ((await r.json()) as { sessions: { id: string }[] }).sessions.map((s) => s.id).sort();
}

/** Every endpoint, as a request for one session reference. */
const endpoints: [string, (id: string, token?: string) => Promise<Response>][] = [
  ['GET /sessions/{id}', (id, t) => h.get(`/sessions/${encodeURIComponent(id)}`, t)],
  ['GET /sessions/{id}/transcript', (id, t) => h.get(`/sessions/${encodeURIComponent(id)}/transcript`, t)],
  [
    'POST /sessions/{id}/review',
    (id, t) =>
      h.post(`/sessions/${encodeURIComponent(id)}/review`, { decision: 'justified', comment: 'ok' }, t),
  ],
  ['GET /review/sessions/{id}', (id, t) => h.get(`/review/sessions/${encodeURIComponent(id)}`, t)],
];

describe('who sees which sessions', () => {
  it('gives each manager exactly their direct reports’ sessions, SSO, SAML, IAM-user and source-identity principals alike', async () => {
    expect(await listIds(tokens.managerA!)).toEqual(teamA.map(ref).sort());
    expect(await listIds(tokens.managerB!)).toEqual(teamB.map(ref).sort());
  });

  it('gives an employee none, not even their own, and a manager never their own', async () => {
    expect(await listIds(tokens.employee1!)).toEqual([]);
    expect(await listIds(tokens.managerA!)).not.toContain(ref(S.managerA));
  });

  it('gives a director only direct reports without the transitive setting', async () => {
    expect(await listIds(tokens.director!)).toEqual([ref(S.managerA)]);
  });

  for (const [name, call] of endpoints.filter(([n]) => !n.startsWith('POST'))) {
    it(`${name}: 200 for the manager of the session, 404 for everyone else`, async () => {
      for (const s of all) {
        const inA = teamA.includes(s as never);
        const inB = teamB.includes(s as never);
        expect((await call(ref(s), tokens.managerA)).status, `${ref(s)} as manager-a`).toBe(inA ? 200 : 404);
        expect((await call(ref(s), tokens.managerB)).status, `${ref(s)} as manager-b`).toBe(inB ? 200 : 404);
        expect((await call(ref(s), tokens.employee1)).status, `${ref(s)} as employee-1`).toBe(404);
      }
    });
  }

  it('POST /sessions/{id}/review: accepted from the manager of the session only', async () => {
    const [, post] = endpoints.find(([n]) => n.startsWith('POST'))!;
    expect((await post(ref(S.sso2), tokens.managerA)).status).toBe(201);
    expect((await post(ref(S.iamUser), tokens.managerB)).status).toBe(201);
    expect((await post(ref(S.sso2), tokens.managerB)).status).toBe(404);
    expect((await post(ref(S.iamUser), tokens.managerA)).status).toBe(404);
    expect((await post(ref(S.sso2), tokens.employee1)).status).toBe(404);
    expect((await post(ref(S.managerA), tokens.managerA)).status).toBe(404);
  });
});

describe('authentication', () => {
  const all401 = async (token: string | undefined, label: string) => {
    const list = await h.get('/sessions', token);
    expect(list.status, `${label}: GET /sessions`).toBe(401);
    expect(list.headers.get('www-authenticate')).toContain('Bearer');
    expect(await list.json()).toEqual({
      error: 'unauthenticated',
      message: 'a valid bearer token is required',
    });
    for (const [name, call] of endpoints)
      expect((await call(ref(S.sso1), token)).status, `${label}: ${name}`).toBe(401);
    expect((await h.get('/review', token)).status, `${label}: GET /review`).toBe(401);
  };

  it('refuses requests without a token on every endpoint', async () => {
    await all401(undefined, 'no token');
  });

  it('refuses every kind of bad token on every endpoint, and logs why', async () => {
    for (const [kind, token] of Object.entries(bad)) await all401(token, kind);
    const reasons = new Set(
      (await h.accessLog())
        .filter((r) => r.result === 'unauthenticated')
        .map((r) => (JSON.parse(String(r.detail)) as { reason: string }).reason),
    );
    expect([...reasons].sort()).toEqual(
      [
        'bad_signature',
        'expired',
        'malformed',
        'missing_token',
        'no_subject',
        'not_yet_valid',
        'unsigned',
        'wrong_audience',
        'wrong_issuer',
      ].sort(),
    );
  });

  it('refuses a malformed Authorization header rather than falling back to the cookie', async () => {
    const r = await h.get('/review', undefined, {
      authorization: 'Basic bWFuYWdlci1hOng=',
      cookie: `loglake_token=${tokens.managerA}`,
    });
    expect(r.status).toBe(401);
  });

  it('never writes a token into the access log', async () => {
    const text = JSON.stringify(await h.accessLog());
    for (const t of [...Object.values(tokens), ...Object.values(bad).filter((t) => t.length > 20)]) {
      expect(text).not.toContain(t.split('.')[2] || t);
    }
  });
});
