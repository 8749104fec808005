import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSources } from '../../../../sources/loader.ts';
import { withContentFilters } from '../../../../transform/contentFilter.ts';
import type { SqlInputFile } from '../../../../transform/decoders/sql/sqlDecode.ts';
import { sqlDecodeDirect } from '../../../../transform/decoders/sql/sqlDecodeDirect.ts';
import { compileSqlPlan, type SqlPlan } from '../../../../transform/decoders/sql/sqlPlan.ts';
import {
  acceptanceFirehoseFile,
  dataMessage,
  multiMemberGzip,
  sessionMessage,
} from '../../../helpers/firehose.ts';

let dir: string;
let duck: DuckDBConnection;
let plan: SqlPlan;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loglake-direct-'));
  duck = await (await DuckDBInstance.create(':memory:', { threads: '1' })).connect();
  plan = compileSqlPlan((await loadSources()).find((s) => s.name === 'cloudwatch')!);
});
afterAll(async () => {
  duck.closeSync();
  await rm(dir, { recursive: true, force: true });
});

/** Firehose files on disk, as the SQL decoder gets them. */
async function inputs(files: Record<string, Uint8Array>): Promise<SqlInputFile[]> {
  const out: SqlInputFile[] = [];
  for (const [key, body] of Object.entries(files)) {
    const path = join(dir, key.replaceAll('/', '_'));
    await writeFile(path, body);
    out.push({ key, path, compression: 'gzip', bytes: (await stat(path)).size });
  }
  return out;
}

const sid = 'user03-0c1d2e3f4a5b6c7d8';
const event = (n: number, iso: string) => ({
  id: `3700000000000000000000000000000000000000000000000000000${n}`,
  timestamp: Date.parse(iso),
  message: sessionMessage(sid, iso, [`# echo ${n}`]),
});

describe('sqlDecodeDirect', () => {
  it('writes one file per day, counts what it skips, and takes a set-aside file out of the day files again', async () => {
    // prepare: a file with a control message, one spanning midnight, one mixing a known and an
    // unknown envelope, and one without a document
    const files = await inputs({
      'fh/a': acceptanceFirehoseFile(),
      'fh/b': gzipSync(
        dataMessage({
          logStream: sid,
          events: [event(1, '2026-11-01T23:59:59Z'), event(2, '2026-11-02T00:00:01Z')],
        }),
      ),
      'fh/c': gzipSync(
        dataMessage({ logStream: sid, events: [event(3, '2026-11-01T10:00:00Z')] }) +
          JSON.stringify({ messageType: 'SOMETHING_ELSE', payload: 1 }),
      ),
      'fh/d': gzipSync(''),
    });
    const out = join(dir, 'out-1');
    // act
    const result = await sqlDecodeDirect(duck, plan, files, out);
    // assess
    if (!result.ok) throw new Error('the read failed');
    expect(Object.fromEntries(result.decoded)).toEqual({
      'fh/a': {
        eventsIn: 6,
        rows: 5,
        skipped: { control_message: 1 },
        quarantined: 0,
        quarantinedByReason: {},
      },
      'fh/b': { eventsIn: 2, rows: 2, skipped: {}, quarantined: 0, quarantinedByReason: {} },
    });
    expect(Object.fromEntries(result.fallback)).toEqual({
      'fh/c': '1 documents with an unknown envelope',
      'fh/d': 'no events',
    });
    expect(result.days.map((d) => [d.calendarday, d.rows])).toEqual([
      ['2026-11-01', 6],
      ['2026-11-02', 1],
    ]);
    for (const d of result.days) {
      const rows = await duck.runAndReadAll(
        `SELECT source_key, count(*)::INTEGER AS n, min(strftime(eventtime, '%Y-%m-%d')) AS lo, max(strftime(eventtime, '%Y-%m-%d')) AS hi FROM read_parquet('${d.path}') GROUP BY ALL ORDER BY 1`,
      );
      const got = rows.getRowObjects();
      expect(got.every((r) => r.lo === d.calendarday && r.hi === d.calendarday)).toBe(true);
      expect(got.map((r) => r.source_key)).not.toContain('fh/c');
      expect(got.reduce((n, r) => n + Number(r.n), 0)).toBe(d.rows);
    }
    // the file written again (the first day's) and the one written once hold exactly the table's columns
    for (const d of result.days) {
      const columns = await duck.runAndReadAll(
        `DESCRIBE SELECT * FROM read_parquet('${d.path}', hive_partitioning = false)`,
      );
      expect(columns.getRowObjects().map((r) => r.column_name)).toEqual(plan.columns.map((c) => c.name));
    }
    // the partitions of skipped rows are gone; only the day files are left
    const left = (await readdir(out, { recursive: true })).filter((f) => f.endsWith('.parquet')).sort();
    expect(left).toEqual([
      'loglake_part=2026-11-01/data_0.parquet',
      'loglake_part=2026-11-02/data_0.parquet',
    ]);
  });

  it('counts the rows a content rule refuses as skipped, and writes none of them', async () => {
    // prepare: the central filter denies one account; one file holds events of both accounts
    const [cw] = withContentFilters(
      (await loadSources()).filter((s) => s.name === 'cloudwatch'),
      { accounts: { deny: ['444455556666'] } },
    );
    const ruled = compileSqlPlan(cw!);
    const files = await inputs({
      'fh/g': multiMemberGzip([
        dataMessage({
          owner: '444455556666',
          logStream: sid,
          events: [event(5, '2026-11-01T10:00:00Z'), event(6, '2026-11-01T10:00:01Z')],
        }),
        dataMessage({ owner: '111122223333', logStream: sid, events: [event(7, '2026-11-01T10:00:02Z')] }),
      ]),
    });
    // act
    const result = await sqlDecodeDirect(duck, ruled, files, join(dir, 'out-3'));
    // assess
    if (!result.ok) throw new Error('the read failed');
    expect(result.decoded.get('fh/g')).toEqual({
      eventsIn: 3,
      rows: 1,
      skipped: { filtered_account: 2 },
      quarantined: 0,
      quarantinedByReason: {},
    });
    expect(result.days).toHaveLength(1);
    const owners = await duck.runAndReadAll(
      `SELECT DISTINCT owner FROM read_parquet('${result.days[0]!.path}', hive_partitioning = false)`,
    );
    expect(owners.getRows()).toEqual([['111122223333']]);
  });

  it('keeps nothing from a failed read, and names the file DuckDB could not read', async () => {
    // prepare
    const files = await inputs({
      'fh/e': gzipSync(dataMessage({ logStream: sid, events: [event(4, '2026-11-01T10:00:00Z')] })),
      'fh/f': gzipSync('{"messageType":"DATA_MESSAGE","owner":12ab]} not json'),
    });
    const out = join(dir, 'out-2');
    // act
    const result = await sqlDecodeDirect(duck, plan, files, out);
    // assess
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.culprit?.key).toBe('fh/f');
    expect(result.culprit?.reason).toMatch(/^DuckDB could not read it: /);
    await expect(stat(out)).rejects.toThrow();
  });
});
