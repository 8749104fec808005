import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExportManifest, exportEvidence, loglakeVersion } from '../../export/index.ts';
import type { Lake } from '../../lake/lake.ts';
import type { QueryEngine } from '../../lake/ports.ts';
import { bindNamedQuery, loadQueryPack } from '../../sql/index.ts';
import { type AuditLake, buildAuditLake, PACK_PARAMS } from '../helpers/auditLake.ts';

let audit: AuditLake;
let lake: Lake;
let engine: QueryEngine;
let work: string;

beforeAll(async () => {
  audit = await buildAuditLake();
  lake = await audit.open();
  engine = await lake.openQueryEngine();
  work = await mkdtemp(join(tmpdir(), 'loglake-export-'));
}, 120_000);
afterAll(async () => {
  await engine?.close();
  await lake?.close();
  await audit?.done();
  await rm(work, { recursive: true, force: true });
});

const plain = (v: unknown) =>
  typeof v === 'bigint' && v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= -BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(v)
    : v;

/** Runs a pack query on a bare DuckDB connection (what the duckdb CLI would do with the same text). */
async function packOn(db: DuckDBConnection, name: string, params = PACK_PARAMS[name]!) {
  const q = bindNamedQuery(loadQueryPack().find((x) => x.name === name)!, params);
  const rows = (await db.runAndReadAll(q.sql, q.params)).getRowObjectsJS();
  return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, plain(v)])));
}
async function packOnLake(name: string, params = PACK_PARAMS[name]!) {
  const q = bindNamedQuery(loadQueryPack().find((x) => x.name === name)!, params);
  return (await engine.query(q.sql, q.params)).rows;
}
const sha = async (path: string) =>
  createHash('sha256')
    .update(await readFile(path))
    .digest('hex');

describe('loglake export', () => {
  let manifest: ExportManifest;
  const file = () => join(work, 'evidence.duckdb');

  it('writes a DuckDB file that a fresh DuckDB opens read-only and that answers the pack like the lake', async () => {
    manifest = await exportEvidence(lake, {
      from: '2026-11-01',
      to: '2026-11-02',
      out: file(),
      now: () => new Date('2026-12-01T10:00:00Z'),
    });
    const instance = await DuckDBInstance.create(file(), { access_mode: 'READ_ONLY' });
    const db = await instance.connect();
    try {
      for (const q of loadQueryPack()) {
        const lakeRows = await packOnLake(q.name);
        expect(await packOn(db, q.name), q.name).toEqual(lakeRows);
      }
      const rows = (
        await db.runAndReadAll('SELECT count(*) FROM from_cloudtrail_readready WHERE source_key IS NULL')
      ).getRows();
      expect(Number(rows[0]![0])).toBe(0);
    } finally {
      db.closeSync();
      instance.closeSync();
    }
  });

  it('writes a manifest with the selection, row counts, SHA-256 of every file, time and version', async () => {
    const onDisk = JSON.parse(await readFile(`${file()}.manifest.json`, 'utf8')) as ExportManifest;
    expect(onDisk).toEqual(manifest);
    expect(manifest.loglakeVersion).toBe(loglakeVersion());
    expect(manifest.exportedAt).toBe('2026-12-01T10:00:00.000Z');
    expect(manifest.files).toEqual([
      { path: 'evidence.duckdb', bytes: expect.any(Number), sha256: await sha(file()) },
    ]);
    const count = async (t: string) =>
      Number((await engine.query(`SELECT count(*) AS n FROM ${t}`)).rows[0]?.n);
    expect(manifest.rowCounts.from_cloudtrail_readready).toBe(await count('from_cloudtrail_readready'));
    expect(manifest.rowCounts.from_cloudwatch_readready).toBe(await count('from_cloudwatch_readready'));
    expect(manifest.rowCounts.loglake_runs).toBe(await count('loglake_runs'));
    expect(manifest.queries.from_cloudtrail_readready).toEqual({
      sql: 'SELECT * FROM "published_from_cloudtrail_readready" WHERE calendarday BETWEEN ? AND ?',
      params: ['2026-11-01', '2026-11-02'],
    });
    expect(manifest.views).toEqual(['session_review']);
    for (const f of manifest.readreadyFiles)
      expect(f.sha256, f.key).toBe(await sha(lake.readready.localPath!(f.key)!));
  });

  it('never overwrites an export', async () => {
    await expect(exportEvidence(lake, { from: '2026-11-01', to: '2026-11-01', out: file() })).rejects.toThrow(
      /exists, not overwriting/,
    );
    expect(await sha(file())).toBe(manifest.files[0]!.sha256);
  });

  it('writes a Parquet folder whose views.sql opens it with the same answers', async () => {
    const folder = join(work, 'evidence-folder');
    const m = await exportEvidence(lake, { from: '2026-11-01', to: '2026-11-02', out: folder });
    expect(m.files.map((f) => f.path)).toEqual([
      'from_cloudtrail_readready.parquet',
      // The sessions extract of CloudTrail is evidence too.
      'from_cloudtrail_sessions.parquet',
      'from_cloudwatch_readready.parquet',
      'loglake_run_files.parquet',
      'loglake_runs.parquet',
      'views.sql',
    ]);
    for (const f of m.files) expect(f.sha256, f.path).toBe(await sha(join(folder, f.path)));
    const instance = await DuckDBInstance.create(':memory:');
    const db = await instance.connect();
    try {
      // As `cd <folder> && duckdb -init views.sql` would resolve the relative Parquet names.
      await db.run(`SET file_search_path = '${folder.replace(/'/g, "''")}'`);
      await db.run(await readFile(join(folder, 'views.sql'), 'utf8'));
      for (const q of loadQueryPack())
        expect(await packOn(db, q.name), q.name).toEqual(await packOnLake(q.name));
    } finally {
      db.closeSync();
      instance.closeSync();
    }
  });

  it('exports one session: its CloudTrail calls and keystroke lines only, answering session_detail the same', async () => {
    const s = [...audit.manifest.sessions].sort((a, b) => b.logEvents - a.logEvents)[0]!;
    const out = join(work, 'one-session.duckdb');
    const m = await exportEvidence(lake, {
      from: '2026-11-01',
      to: '2026-11-02',
      sessions: [s.sessionId],
      out,
    });
    expect(m.rowCounts.from_cloudwatch_readready).toBe(s.logEvents);
    const calls = audit.records.filter(
      (r) =>
        (r.responseElements as { sessionId?: string } | null)?.sessionId === s.sessionId ||
        (r.requestParameters as { sessionId?: string } | null)?.sessionId === s.sessionId,
    );
    expect(m.rowCounts.from_cloudtrail_readready).toBe(calls.length);
    const instance = await DuckDBInstance.create(out, { access_mode: 'READ_ONLY' });
    const db = await instance.connect();
    try {
      const params = { review_id: s.sessionId };
      expect(await packOn(db, 'session_detail', params)).toEqual(await packOnLake('session_detail', params));
      const other = (
        await db.runAndReadAll('SELECT count(*) FROM session_review WHERE review_id <> ?', [s.sessionId])
      ).getRows();
      expect(Number(other[0]![0])).toBe(0);
    } finally {
      db.closeSync();
      instance.closeSync();
    }
  });

  it('exports one principal: its events, and its sessions with their lines (a denied one included)', async () => {
    const principal = 'arn:aws:sts::111122223333:assumed-role/OpsRole/employee-7';
    const out = join(work, 'one-principal.duckdb');
    const m = await exportEvidence(lake, {
      from: '2026-11-01',
      to: '2026-11-02',
      principals: [principal],
      out,
    });
    expect(m.rowCounts.from_cloudtrail_readready).toBe(
      audit.records.filter((r) => r.userIdentity.arn === principal).length,
    );
    const instance = await DuckDBInstance.create(out, { access_mode: 'READ_ONLY' });
    const db = await instance.connect();
    try {
      const params = PACK_PARAMS.sessions_by_principal!;
      expect(await packOn(db, 'sessions_by_principal', params)).toEqual(
        await packOnLake('sessions_by_principal', params),
      );
    } finally {
      db.closeSync();
      instance.closeSync();
    }
  });

  it('takes an --out path with glob and query characters in it', async () => {
    const out = join(work, 'case [1]*?.duckdb');
    const m = await exportEvidence(lake, { from: '2026-11-01', to: '2026-11-01', out });
    expect(m.files[0]!.path).toBe('case [1]*?.duckdb');
    expect(await sha(out)).toBe(m.files[0]!.sha256);
    const folder = join(work, 'case [2]*?');
    const f = await exportEvidence(lake, { from: '2026-11-01', to: '2026-11-01', out: folder });
    expect(f.rowCounts.from_cloudtrail_readready).toBe(m.rowCounts.from_cloudtrail_readready);
    expect(await sha(join(folder, 'from_cloudtrail_readready.parquet'))).toBe(
      f.files.find((x) => x.path === 'from_cloudtrail_readready.parquet')!.sha256,
    );
  });

  it('refuses a bad day range with a clear error', async () => {
    await expect(
      exportEvidence(lake, { from: '2026-11-02', to: '2026-11-01', out: join(work, 'x.duckdb') }),
    ).rejects.toThrow(/from <= to/);
  });
});
