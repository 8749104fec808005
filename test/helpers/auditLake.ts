import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { drainQueue } from '../../addapart/drainQueue.ts';
import { type GeneratedManifest, generate } from '../../ingest/generate/index.ts';
import { landFiles } from '../../ingest/land.ts';
import type { Lake } from '../../lake/lake.ts';
import { runTransform } from '../../transform/runTransform.ts';
import { fixtureText } from './fixtures.ts';
import { reopenLake } from './tempLake.ts';

/** The generator's options of the audit lake: small, fixed seed, two days. */
export const AUDIT_GEN = { seed: 23, accounts: 2, days: 2, sessions: 6 };

/** Key of the hand-made CloudTrail file (denied StartSession, IAM changes, root console login). */
export const AUDITOR_FIXTURE_KEY =
  'cloudtrail/AWSLogs/o-aud1tf1xt0/111122223333/CloudTrail/eu-west-1/2026/11/01/' +
  '111122223333_CloudTrail_eu-west-1_20261101T1130Z_AuditFixture01.json.gz';

/** A CloudTrail record as the tests read it (the fields they look at). */
export type TrailRecord = Record<string, unknown> & {
  eventID: string;
  eventTime: string;
  eventName: string;
  eventSource: string;
  recipientAccountId: string;
  errorCode?: string;
  readOnly?: boolean;
  userIdentity: Record<string, unknown> & {
    type: string;
    arn?: string;
    principalId?: string;
    userName?: string;
  };
  responseElements?: Record<string, unknown> | null;
  additionalEventData?: Record<string, unknown> | null;
};

export interface AuditLake {
  dir: string;
  manifest: GeneratedManifest;
  /** Every CloudTrail record landed in good files (generated and fixture), decoded independently. */
  records: TrailRecord[];
  /** Raw keys landed, by kind (`skip` files are not landed as work). */
  landed: { key: string; kind: 'cloudtrail' | 'cloudwatch' | 'bad' | 'skip' }[];
  open(): Promise<Lake>;
  done(): Promise<void>;
}

/**
 * An embedded lake with the generated data set plus the auditor fixture, through addapart and
 * transform. The records are decoded here with node:zlib and JSON.parse, not by loglake, so the
 * tests' expected answers do not come from the code under test.
 */
export async function buildAuditLake(): Promise<AuditLake> {
  const dir = join(await mkdtemp(join(tmpdir(), 'loglake-audit-')), 'lake');
  const { files, manifest } = generate(AUDIT_GEN);
  const fixture = fixtureText('cloudtrail/auditor-records.json');
  const all = [
    ...files,
    { key: AUDITOR_FIXTURE_KEY, body: new Uint8Array(gzipSync(fixture)), kind: 'cloudtrail' as const },
  ];
  const lake = await reopenLake(dir);
  try {
    await landFiles(lake.raw, all);
    await drainQueue(lake);
    await runTransform(lake);
  } finally {
    await lake.close();
  }
  const records = all
    .filter((f) => f.kind === 'cloudtrail')
    .flatMap((f) => (JSON.parse(gunzipSync(f.body).toString('utf8')) as { Records: TrailRecord[] }).Records);
  return {
    dir,
    manifest,
    records,
    landed: all.map((f) => ({ key: f.key, kind: f.kind })),
    open: () => reopenLake(dir),
    done: () => rm(join(dir, '..'), { recursive: true, force: true }),
  };
}

/** Rows with Dates as ISO strings, for comparing with expectations built from JSON. */
export function plainRows(rows: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  return rows.map((r) =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v])),
  );
}

/** Parameters for every query of the pack that fit the audit lake (the CLI, export and pack tests share them). */
export const PACK_PARAMS: Record<string, Record<string, string>> = {
  assume_role_by_identity: { from_day: '2026-11-01', to_day: '2026-11-02' },
  console_logins_without_mfa: { from_day: '2026-11-01', to_day: '2026-11-02' },
  errors_by_account: { from_day: '2026-11-01', to_day: '2026-11-02' },
  events_per_day: { from_day: '2026-11-01', to_day: '2026-11-02' },
  files_of_day: { day: '2026-11-01' },
  iam_changes: { from_time: '2026-11-01 00:00', to_time: '2026-11-02 23:59:59' },
  principal_activity_around_session: { review_id: 'employee-7-0fixture00000000a1' },
  quarantined_files: { from_time: '2000-01-01 00:00', to_time: '2100-01-01 00:00' },
  root_activity: { from_day: '2026-11-01', to_day: '2026-11-02' },
  session_detail: { review_id: 'employee-7-0fixture00000000a1' },
  sessions_by_principal: {
    principal: 'arn:aws:sts::111122223333:assumed-role/OpsRole/employee-7',
    from_day: '2026-11-01',
    to_day: '2026-11-02',
  },
  sessions_without_lines: { from_day: '2026-11-01', to_day: '2026-11-02' },
};
