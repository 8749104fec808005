import { gzipSync } from 'node:zlib';
import { DuckDBConnection } from '@duckdb/node-api';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { drainQueue } from '../../../../addapart/drainQueue.ts';
import { generate } from '../../../../ingest/generate/index.ts';
import type { TransformEngine } from '../../../../lake/config.ts';
import type { Lake } from '../../../../lake/lake.ts';
import { loadSources } from '../../../../sources/loader.ts';
import { gzipSizeHint, gzipTrailerImpossible } from '../../../../transform/decoders/js/decompress.ts';
import { compileSqlPlan, SqlPlanUnsupported } from '../../../../transform/decoders/sql/sqlPlan.ts';
import { runTransform, type TransformSummary } from '../../../../transform/runTransform.ts';
import {
  ACCEPTANCE_SESSION_ID,
  acceptanceFirehoseFile,
  dataMessage,
  sessionMessage,
} from '../../../helpers/firehose.ts';
import { fixtureText } from '../../../helpers/fixtures.ts';
import { tempLake } from '../../../helpers/tempLake.ts';

const TABLES = ['from_cloudtrail_readready', 'from_cloudwatch_readready'] as const;

/** Row count and a checksum per column of each readready table. */
async function fingerprint(lake: Lake): Promise<Record<string, Record<string, string>>> {
  const engine = await lake.openQueryEngine();
  try {
    const out: Record<string, Record<string, string>> = {};
    for (const table of TABLES) {
      const cols = (await engine.query(`DESCRIBE ${table}`)).rows.map((r) => String(r.column_name));
      const sums = cols.map((c) => `sum(hash("${c}"))::VARCHAR AS "${c}"`).join(', ');
      const row = (await engine.query(`SELECT count(*)::VARCHAR AS n, ${sums} FROM ${table}`)).rows[0]!;
      out[table] = Object.fromEntries(Object.entries(row).map(([k, v]) => [k, String(v)]));
    }
    return out;
  } finally {
    await engine.close();
  }
}

const lakes: { done(): Promise<void> }[] = [];
afterEach(async () => {
  for (const l of lakes.splice(0)) await l.done();
});

/** A fresh lake with `files` landed and registered, transformed by `engine`. */
async function transformWith(
  engine: TransformEngine,
  files: { key: string; body: Uint8Array | string }[],
): Promise<{ lake: Lake; summary: TransformSummary }> {
  const t = await tempLake({ transform: { engine, maxFiles: 1000, maxBytes: 1e9 } });
  lakes.push(t);
  for (const f of files) await t.lake.raw.put(f.key, f.body);
  await drainQueue(t.lake);
  return { lake: t.lake, summary: await runTransform(t.lake) };
}

const reasons = (s: TransformSummary) =>
  s.runs.flatMap((r) => r.quarantinedFiles.map((q) => `${q.key}: ${q.reason}: ${q.message}`)).sort();

describe('the DuckDB engine', () => {
  it('gives the same rows, counts and quarantines as the JavaScript engine on generated data', async () => {
    // prepare: realistic data with the deliberately bad files and digest objects
    const files = [...generate({ seed: 21, accounts: 2, days: 2, sessions: 5 }).files];
    // act
    const js = await transformWith('js', files);
    const duck = await transformWith('duckdb', files);
    // assess
    expect(duck.summary.reconciled).toBe(true);
    const { bytesUncompressed: _a, ...jsTotals } = js.summary.totals;
    const { bytesUncompressed: _b, ...duckTotals } = duck.summary.totals;
    expect(duckTotals).toEqual(jsTotals);
    expect(duck.summary.totals.filesQuarantined).toBe(3);
    expect(reasons(duck.summary)).toEqual(reasons(js.summary));
    expect(await fingerprint(duck.lake)).toEqual(await fingerprint(js.lake));
  });

  it('decodes the multi-member Firehose file with `}{` inside messages itself, to exactly the expected rows', async () => {
    // prepare
    const files = [
      {
        key: 'cloudwatch/2026/11/01/08/stream-1-2026-11-01-08-15-02-0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b',
        body: acceptanceFirehoseFile(),
      },
    ];
    // act
    const js = await transformWith('js', files);
    const duck = await transformWith('duckdb', files);
    // assess: DuckDB decoded it (no size measured in JavaScript), with the JavaScript decoder's rows
    expect(duck.summary.totals).toMatchObject({
      eventsIn: 6,
      rows: 5,
      skipped: { control_message: 1 },
      quarantined: 0,
    });
    expect(duck.summary.totals.bytesUncompressed).toBe(0);
    expect(js.summary.totals.bytesUncompressed).toBeGreaterThan(0);
    expect(await fingerprint(duck.lake)).toEqual(await fingerprint(js.lake));
    const engine = await duck.lake.openQueryEngine();
    try {
      const lines = await engine.query(
        'SELECT sessiondata FROM from_cloudwatch_readready WHERE sessionid = ? ORDER BY eventtime',
        [ACCEPTANCE_SESSION_ID],
      );
      expect(lines.rows.map((r) => r.sessiondata)).toEqual([
        '$ sudo -i\n# id',
        '# echo \'}{\' > /tmp/x\n# cat "/tmp/x" \\',
        '# exit',
      ]);
    } finally {
      await engine.close();
    }
  });

  it('sets aside a file with a value it cannot decide; the JavaScript decoder quarantines that event alone', async () => {
    // prepare: one clean CloudTrail file, and one whose records hold a bad boolean and an offset time
    const records = JSON.parse(fixtureText('cloudtrail/session-records.json')).Records as Record<
      string,
      unknown
    >[];
    const odd = structuredClone(records);
    odd[0]!.readOnly = 'perhaps';
    odd[1]!.eventTime = '2026-11-01T09:30:00+01:00';
    const key = (n: string) =>
      `AWSLogs/111122223333/CloudTrail/eu-west-1/2026/11/01/111122223333_CloudTrail_eu-west-1_20261101T0820Z_${n}.json.gz`;
    const files = [
      { key: key('clean0000000000a'), body: gzipSync(JSON.stringify({ Records: records })) },
      { key: key('odd000000000000b'), body: gzipSync(JSON.stringify({ Records: odd })) },
    ];
    // act
    const js = await transformWith('js', files);
    const duck = await transformWith('duckdb', files);
    // assess
    const t = duck.summary.totals;
    expect(t.eventsIn).toBe(2 * records.length);
    expect(t.quarantined).toBe(1);
    expect(t.quarantinedByReason).toEqual({ bad_type: 1 });
    expect(t.rows).toBe(2 * records.length - 1);
    expect(await fingerprint(duck.lake)).toEqual(await fingerprint(js.lake));
    const engine = await duck.lake.openQueryEngine();
    try {
      const shifted = await engine.query(
        "SELECT count(*) AS n FROM from_cloudtrail_readready WHERE eventtime = TIMESTAMP '2026-11-01 08:30:00'",
      );
      expect(Number(shifted.rows[0]?.n)).toBe(1);
    } finally {
      await engine.close();
    }
  });
  it('applies the central account filter to rows whichever way DuckDB takes a chunk, as the JavaScript engine does', async () => {
    // prepare: Firehose files (their keys carry no account) holding events of a denied account and
    // of another; a chunk of gzip files only goes straight to Parquet, one that mixes in an
    // uncompressed file goes through a temporary table
    const sid = 'user03-0a1b2c3d4e5f6a7b8';
    const body = (n: number) =>
      [
        dataMessage({
          owner: '444455556666',
          logStream: sid,
          events: [0, 1].map((i) => ({
            id: `${n}${i}`.padStart(56, '3'),
            timestamp: Date.parse('2026-11-01T08:15:00Z') + n * 10 + i,
            message: sessionMessage(sid, '2026-11-01T08:15:00Z', [`# ${n} ${i}`]),
          })),
        }),
        dataMessage({
          owner: '111122223333',
          logStream: sid,
          events: [
            {
              id: `${n}9`.padStart(56, '3'),
              timestamp: Date.parse('2026-11-01T08:15:05Z') + n,
              message: sessionMessage(sid, '2026-11-01T08:15:05Z', [`# ${n}`]),
            },
          ],
        }),
      ].join('');
    const key = (n: number) =>
      `cloudwatch/2026/11/01/08/stream-1-2026-11-01-08-15-0${n}-0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5${n}`;
    const gzipOnly = [1, 2].map((n) => ({ key: key(n), body: gzipSync(body(n)) }));
    const mixed = [...gzipOnly, { key: key(3), body: body(3) }];
    for (const files of [gzipOnly, mixed]) {
      // act
      const filter = { accounts: { deny: ['444455556666'] } };
      const run = async (engine: TransformEngine) => {
        const t = await tempLake({ filter, transform: { engine, maxFiles: 1000, maxBytes: 1e9 } });
        lakes.push(t);
        for (const f of files) await t.lake.raw.put(f.key, f.body);
        await drainQueue(t.lake);
        return { lake: t.lake, summary: await runTransform(t.lake) };
      };
      const js = await run('js');
      const statements: string[] = [];
      const spy = vi.spyOn(DuckDBConnection.prototype, 'run');
      let duck: Awaited<ReturnType<typeof run>>;
      try {
        duck = await run('duckdb');
      } finally {
        statements.push(...spy.mock.calls.map((c) => String(c[0])));
        spy.mockRestore();
      }
      // assess
      const viaTable = statements.some((q) => q.startsWith('CREATE OR REPLACE TEMP TABLE'));
      expect(viaTable).toBe(files === mixed);
      expect(duck.summary.totals.skipped).toEqual({ filtered_account: 2 * files.length });
      expect(duck.summary.totals.rows).toBe(files.length);
      expect(duck.summary.reconciled).toBe(true);
      const { bytesUncompressed: _a, ...jsTotals } = js.summary.totals;
      const { bytesUncompressed: _b, ...duckTotals } = duck.summary.totals;
      expect(duckTotals).toEqual(jsTotals);
      expect(await fingerprint(duck.lake)).toEqual(await fingerprint(js.lake));
    }
  });

  it('reads a chunk again without each file DuckDB cannot read, and slices a chunk with many such files', async () => {
    const sid = 'user03-0b1c2d3e4f5a6b7c8';
    const key = (n: number) =>
      `cloudwatch/2026/11/01/09/stream-1-2026-11-01-09-00-${String(n).padStart(2, '0')}-0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b`;
    const good = (n: number) =>
      gzipSync(
        dataMessage({
          logStream: sid,
          events: [
            {
              id: `${n}`.padStart(56, '3'),
              timestamp: Date.parse('2026-11-01T09:00:00Z') + n,
              message: sessionMessage(sid, '2026-11-01T09:00:00Z', [`# ${n}`]),
            },
          ],
        }),
      );
    const broken = gzipSync('{"messageType":"DATA_MESSAGE","owner":12ab]} not json');
    for (const bad of [2, 5]) {
      // prepare: good files with `bad` broken ones among them
      const files = Array.from({ length: 12 }, (_, n) => ({
        key: key(n),
        body: n % 2 === 1 && n < 2 * bad ? broken : good(n),
      }));
      // act
      const js = await transformWith('js', files);
      const spy = vi.spyOn(DuckDBConnection.prototype, 'run');
      let duck: Awaited<ReturnType<typeof transformWith>>;
      const statements: string[] = [];
      try {
        duck = await transformWith('duckdb', files);
      } finally {
        statements.push(...spy.mock.calls.map((c) => String(c[0])));
        spy.mockRestore();
      }
      // assess: each broken file quarantined as the JavaScript engine does it, the rest kept; a
      // couple of bad files cost a read each, more than a couple take the sliced path
      expect(duck.summary.totals.filesQuarantined).toBe(bad);
      expect(duck.summary.totals.rows).toBe(12 - bad);
      expect(reasons(duck.summary)).toEqual(reasons(js.summary));
      expect(await fingerprint(duck.lake)).toEqual(await fingerprint(js.lake));
      const directReads = statements.filter((q) => q.startsWith('COPY') && q.includes('loglake_part')).length;
      const viaTable = statements.some((q) => q.startsWith('CREATE OR REPLACE TEMP TABLE'));
      expect({ directReads, viaTable }).toEqual(
        bad === 2 ? { directReads: 3, viaTable: false } : { directReads: 3, viaTable: true },
      );
    }
  });

  it('sends a gzip file its trailer shows cut short to the exact decoder without a failed DuckDB read', async () => {
    // prepare: a cut CloudTrail file between two intact ones, as the chunk's reading order has it
    const records = JSON.parse(fixtureText('cloudtrail/session-records.json')).Records as unknown[];
    const key = (n: string) =>
      `AWSLogs/111122223333/CloudTrail/eu-west-1/2026/11/01/111122223333_CloudTrail_eu-west-1_20261101T0820Z_${n}.json.gz`;
    const whole = gzipSync(JSON.stringify({ Records: [...records, ...records, ...records] }));
    const cut = whole.subarray(0, Math.floor(whole.length * 0.6));
    expect(gzipTrailerImpossible(cut.byteLength, gzipSizeHint(cut))).toBe(true);
    const files = [
      { key: key('a000000000000000'), body: gzipSync(JSON.stringify({ Records: records })) },
      { key: key('b000000000000000'), body: cut },
      { key: key('c000000000000000'), body: gzipSync(JSON.stringify({ Records: records })) },
    ];
    const failed: string[] = [];
    const run = DuckDBConnection.prototype.run;
    const spy = vi.spyOn(DuckDBConnection.prototype, 'run').mockImplementation(function (
      this: DuckDBConnection,
      sql,
      ...rest
    ) {
      return run.call(this, sql, ...rest).catch((err: unknown) => {
        failed.push(String(err));
        throw err;
      });
    });
    // act
    let duck: Awaited<ReturnType<typeof transformWith>>;
    try {
      duck = await transformWith('duckdb', files);
    } finally {
      spy.mockRestore();
    }
    const js = await transformWith('js', files);
    // assess: DuckDB read the intact files in one go, the cut one was quarantined as the JavaScript engine does
    expect(failed).toEqual([]);
    expect(duck.summary.stages.exactFallbackFiles).toBe(1);
    expect(reasons(duck.summary)).toEqual(reasons(js.summary));
    expect(reasons(duck.summary)).toEqual([
      expect.stringContaining(`${key('b000000000000000')}: corrupt_compression`),
    ]);
    expect(duck.summary.totals.rows).toBe(2 * records.length);
    expect(await fingerprint(duck.lake)).toEqual(await fingerprint(js.lake));
  });
});

describe('compileSqlPlan', () => {
  it('reads CloudTrail records as typed structs, keeping the JSON columns whole', async () => {
    const sources = await loadSources();
    const ct = compileSqlPlan(sources.find((s) => s.name === 'cloudtrail')!);
    expect(ct.docColumns).toMatch(/^\{'Records': 'STRUCT\(/);
    expect(ct.docColumns).toContain('"requestParameters" JSON');
    expect(ct.docColumns).toContain('"eventID" VARCHAR');
    expect(ct.columns.at(-1)).toEqual({ name: 'source_key', type: 'string' });
    const cw = compileSqlPlan(sources.find((s) => s.name === 'cloudwatch')!);
    expect(cw.docColumns).toContain("'messageType': 'VARCHAR'");
  });

  it('leaves shapes it does not cover to the JavaScript decoder', async () => {
    const [ct] = (await loadSources()).filter((s) => s.name === 'cloudtrail');
    const caseClash = structuredClone(ct!);
    caseClash.readready.columns.push({ name: 'eventid_upper', type: 'string', path: 'EventID', as: 'value' });
    expect(() => compileSqlPlan(caseClash)).toThrow(SqlPlanUnsupported);
    const nested = structuredClone(ct!);
    nested.decode.records = 'detail.Records';
    expect(() => compileSqlPlan(nested)).toThrow(SqlPlanUnsupported);
  });
});
