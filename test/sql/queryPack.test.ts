import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueryEngine } from '../../lake/ports.ts';
import { loadQueryPack, runNamedQuery } from '../../sql/index.ts';
import { type AuditLake, buildAuditLake, plainRows, type TrailRecord } from '../helpers/auditLake.ts';

let audit: AuditLake;
let engine: QueryEngine;
let closeLake: () => Promise<void>;
const DAYS = { from_day: '2026-11-01', to_day: '2026-11-02' };

beforeAll(async () => {
  audit = await buildAuditLake();
  const lake = await audit.open();
  engine = await lake.openQueryEngine();
  closeLake = () => lake.close();
}, 120_000);
afterAll(async () => {
  await engine?.close();
  await closeLake?.();
  await audit?.done();
});

const run = async (name: string, params: Record<string, string>) =>
  plainRows((await runNamedQuery(engine, name, params)).rows);
const iso = (t: string) => new Date(t).toISOString();
const byTime = (a: TrailRecord, b: TrailRecord) =>
  a.eventTime.localeCompare(b.eventTime) || a.eventID.localeCompare(b.eventID);
/** Counts by a key, as sorted [key, count] pairs. */
function countBy<T>(items: readonly T[], key: (t: T) => string): Map<string, number> {
  const m = new Map<string, number>();
  for (const i of items) m.set(key(i), (m.get(key(i)) ?? 0) + 1);
  return m;
}

describe('the query pack', () => {
  it('holds the auditor queries, each with a header and declared parameters', () => {
    const pack = loadQueryPack();
    expect(pack.map((q) => q.name)).toEqual([
      'assume_role_by_identity',
      'console_logins_without_mfa',
      'errors_by_account',
      'events_per_day',
      'files_of_day',
      'iam_changes',
      'principal_activity_around_session',
      'quarantined_files',
      'root_activity',
      'session_detail',
      'sessions_by_principal',
      'sessions_without_lines',
    ]);
    for (const q of pack) {
      expect(q.description.length, q.name).toBeGreaterThan(20);
      expect(q.reads.length, q.name).toBeGreaterThan(0);
      for (const p of q.params) expect(p.description.length, `${q.name}.${p.name}`).toBeGreaterThan(5);
    }
  });

  it('refuses a missing, unknown or mistyped parameter with a clear error', async () => {
    await expect(run('errors_by_account', { from_day: '2026-11-01' })).rejects.toThrow(
      /missing --param to_day=<day>/,
    );
    await expect(run('errors_by_account', { ...DAYS, account: 'x' })).rejects.toThrow(
      /unknown parameter account/,
    );
    await expect(run('errors_by_account', { from_day: '1 Nov', to_day: '2026-11-02' })).rejects.toThrow(
      /from_day must be a day YYYY-MM-DD/,
    );
    await expect(run('no_such_query', {})).rejects.toThrow(/no query named no_such_query/);
  });

  it('session_review has one row per StartSession, a denied one with its error and eventid', async () => {
    const starts = audit.records.filter((r) => r.eventName === 'StartSession');
    const rows = plainRows((await engine.query('SELECT * FROM session_review ORDER BY review_id')).rows);
    expect(rows.map((r) => r.start_eventid).sort()).toEqual(starts.map((r) => r.eventID).sort());
    const denied = rows.filter((r) => r.sessionid === null);
    expect(denied).toEqual([
      expect.objectContaining({
        review_id: 'a0000000-0000-4000-8000-000000000001',
        error_code: 'AccessDenied',
        line_count: 0,
        source_key: expect.stringContaining('AuditFixture01'),
      }),
    ]);
  });

  it('errors_by_account: errors per account and code, as in the raw records', async () => {
    const errors = audit.records.filter((r) => r.errorCode);
    const expected = [...countBy(errors, (r) => `${r.recipientAccountId}|${r.errorCode}`)]
      .map(([k, n]) => ({ account_id: k.split('|')[0], error_code: k.split('|')[1], events: n }))
      .sort(
        (a, b) =>
          a.account_id!.localeCompare(b.account_id!) ||
          b.events - a.events ||
          a.error_code!.localeCompare(b.error_code!),
      );
    const rows = await run('errors_by_account', DAYS);
    expect(rows).toEqual(expected);
    expect(rows.some((r) => r.error_code === 'AccessDenied')).toBe(true);
    const denied = rows
      .filter((r) => r.error_code === 'AccessDenied')
      .reduce((s, r) => s + Number(r.events), 0);
    // The generator's own count, plus the fixture's two AccessDenied records.
    expect(denied).toBe(audit.manifest.events.accessDenied + 2);
  });

  it('events_per_day: counts per day, source and name add up to every record', async () => {
    const expected = [
      ...countBy(audit.records, (r) => `${r.eventTime.slice(0, 10)}|${r.eventSource}|${r.eventName}`),
    ]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, n]) => {
        const [calendarday, event_source, event_name] = k.split('|');
        return { calendarday, event_source, event_name, events: n };
      });
    expect(await run('events_per_day', DAYS)).toEqual(expected);
    const oneDay = await run('events_per_day', { from_day: '2026-11-02', to_day: '2026-11-02' });
    expect(oneDay.every((r) => r.calendarday === '2026-11-02')).toBe(true);
    expect(oneDay.length).toBeGreaterThan(0);
  });

  it('assume_role_by_identity: AssumeRole and AssumeRoleWithSAML per identity', async () => {
    const calls = audit.records.filter(
      (r) => r.eventName === 'AssumeRole' || r.eventName === 'AssumeRoleWithSAML',
    );
    const key = (r: TrailRecord) =>
      JSON.stringify([
        r.eventName,
        r.userIdentity.type,
        r.userIdentity.arn ?? r.userIdentity.principalId ?? null,
        r.userIdentity.userName ?? null,
      ]);
    const failed = countBy(
      calls.filter((r) => r.errorCode),
      key,
    );
    const rows = await run('assume_role_by_identity', DAYS);
    expect(new Set(rows.map((r) => r.event_name))).toEqual(new Set(['AssumeRole', 'AssumeRoleWithSAML']));
    const got = new Map(
      rows.map((r) => [
        JSON.stringify([r.event_name, r.identity_type, r.identity, r.user_name]),
        [r.calls, r.failed],
      ]),
    );
    expect(got).toEqual(new Map([...countBy(calls, key)].map(([k, n]) => [k, [n, failed.get(k) ?? 0]])));
  });

  it('sessions_by_principal: every StartSession of the principal, the denied one with its eventid', async () => {
    const principal = 'arn:aws:sts::111122223333:assumed-role/OpsRole/employee-7';
    const rows = await run('sessions_by_principal', { principal, ...DAYS });
    expect(rows).toMatchObject([
      {
        review_id: 'a0000000-0000-4000-8000-000000000001',
        sessionid: null,
        error_code: 'AccessDenied',
        target: 'i-0fixture000000001',
        line_count: 0,
      },
      {
        review_id: 'employee-7-0fixture00000000a1',
        sessionid: 'employee-7-0fixture00000000a1',
        error_code: null,
      },
    ]);
    const s = audit.manifest.sessions[0]!;
    const theirs = audit.manifest.sessions.filter((x) => x.principalArn === s.principalArn);
    const generated = await run('sessions_by_principal', { principal: s.principalArn, ...DAYS });
    expect(generated.map((r) => [r.sessionid, r.line_count, r.start_time])).toEqual(
      theirs
        .sort((a, b) => a.startTime.localeCompare(b.startTime))
        .map((x) => [x.sessionId, x.logEvents, iso(x.startTime)]),
    );
  });

  it('session_detail: the StartSession joined to its keystroke lines, in order', async () => {
    const s = [...audit.manifest.sessions].sort((a, b) => b.logEvents - a.logEvents)[0]!;
    const rows = await run('session_detail', { review_id: s.sessionId });
    expect(rows).toHaveLength(s.logEvents);
    expect(new Set(rows.map((r) => r.principal_arn))).toEqual(new Set([s.principalArn]));
    const times = rows.map((r) => String(r.line_time));
    expect(times).toEqual([...times].sort());
    expect(rows.every((r) => String(r.line_source_key).length > 0)).toBe(true);
    const denied = await run('session_detail', { review_id: 'a0000000-0000-4000-8000-000000000001' });
    expect(denied).toMatchObject([
      { error_code: 'AccessDenied', sessionid: null, line_time: null, sessiondata: null },
    ]);
  });

  it('console_logins_without_mfa: ConsoleLogin events whose MFAUsed is No', async () => {
    const expected = audit.records
      .filter((r) => r.eventName === 'ConsoleLogin' && r.additionalEventData?.MFAUsed === 'No')
      .sort(byTime);
    const rows = await run('console_logins_without_mfa', DAYS);
    expect(rows.map((r) => r.eventid)).toEqual(expected.map((r) => r.eventID));
    expect(rows.map((r) => r.outcome)).toEqual(
      expected.map((r) => (r.responseElements as { ConsoleLogin?: string } | null)?.ConsoleLogin ?? null),
    );
    expect(rows.map((r) => r.eventid)).toContain('a0000000-0000-4000-8000-000000000006');
  });

  it('root_activity: every event made as the root user', async () => {
    const expected = audit.records.filter((r) => r.userIdentity.type === 'Root').sort(byTime);
    const rows = await run('root_activity', DAYS);
    expect(rows.map((r) => r.eventid)).toEqual(expected.map((r) => r.eventID));
    expect(rows.length).toBeGreaterThan(0);
  });

  it('iam_changes: IAM writes in the window only, failed ones included', async () => {
    const from = '2026-11-01T09:00:00Z';
    const to = '2026-11-01T12:00:00Z';
    const expected = audit.records
      .filter(
        (r) =>
          r.eventSource === 'iam.amazonaws.com' &&
          r.readOnly === false &&
          r.eventTime >= from &&
          r.eventTime <= to,
      )
      .sort(byTime);
    const rows = await run('iam_changes', { from_time: '2026-11-01 09:00', to_time: '2026-11-01 12:00:00' });
    expect(rows.map((r) => r.eventid)).toEqual(expected.map((r) => r.eventID));
    expect(rows.map((r) => [r.event_name, r.error_code])).toEqual([
      ['AttachRolePolicy', null],
      ['PutRolePolicy', 'AccessDenied'],
    ]);
  });

  it('principal_activity_around_session: the principal calls within an hour of the session', async () => {
    const id = 'employee-7-0fixture00000000a1';
    const arn = 'arn:aws:sts::111122223333:assumed-role/OpsRole/employee-7';
    const start = Date.parse('2026-11-01T09:12:00Z');
    const expected = audit.records
      .filter((r) => r.userIdentity.arn === arn && Math.abs(Date.parse(r.eventTime) - start) <= 3_600_000)
      .sort(byTime);
    const rows = await run('principal_activity_around_session', { review_id: id });
    expect(rows.map((r) => r.eventid)).toEqual(expected.map((r) => r.eventID));
    expect(rows.map((r) => r.event_name)).not.toContain('CreateRole');
  });

  it('sessions_without_lines: successful StartSessions with no keystroke lines', async () => {
    const withLines = new Set(audit.manifest.sessions.filter((s) => s.logEvents > 0).map((s) => s.sessionId));
    const expected = audit.records
      .filter((r) => r.eventName === 'StartSession' && !r.errorCode)
      .map((r) => String((r.responseElements as { sessionId?: string }).sessionId))
      .filter((id) => !withLines.has(id));
    const rows = await run('sessions_without_lines', DAYS);
    expect(rows.map((r) => r.sessionid).sort()).toEqual(expected.sort());
    expect(rows.map((r) => r.sessionid)).toContain('employee-7-0fixture00000000a1');
  });

  it('files_of_day: every landed raw file of the day, processed or quarantined with its reason', async () => {
    const day = '2026-11-01';
    const ofDay = audit.landed.filter((f) => f.kind !== 'skip' && /\/2026\/11\/01\//.test(f.key));
    const rows = await run('files_of_day', { day });
    expect(rows.reduce((s, r) => s + Number(r.files), 0)).toBe(ofDay.length);
    const quarantined = rows
      .filter((r) => r.outcome === 'quarantined')
      .reduce((s, r) => s + Number(r.files), 0);
    expect(quarantined).toBe(ofDay.filter((f) => f.kind === 'bad').length);
    expect(rows.every((r) => (r.outcome === 'quarantined') === (r.reason !== null))).toBe(true);
  });

  it('quarantined_files: the bad files, with their reasons', async () => {
    const rows = await run('quarantined_files', {
      from_time: '2000-01-01 00:00',
      to_time: '2100-01-01 00:00',
    });
    expect(rows.map((r) => r.source_key).sort()).toEqual(audit.manifest.bad.map((b) => b.key).sort());
    expect(new Set(rows.map((r) => r.reason))).toEqual(
      new Set(['corrupt_compression', 'invalid_json', 'unknown_envelope']),
    );
  });
});
