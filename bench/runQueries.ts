import { DuckDBInstance } from '@duckdb/node-api';
import { DUCKDB_SHIMS } from '../lake/embedded/lakeObjects.ts';
import { createViewSql, VIEWS } from '../lake/views.ts';
import { bindNamedQuery, namedQuery } from '../sql/queryPack.ts';
import { parquetScan } from './compareChecksums.ts';
import { type NativeInput, nativeSelect } from './nativeSql.ts';
import type { QueriesResult, QueryRun } from './types.ts';

/** Values the auditor queries bind. */
export interface QueryParams {
  fromDay: string;
  toDay: string;
  sessionId: string;
  /** The principal of the session (`useridentity_arn` of its StartSession). */
  principal: string;
}

/** One auditor query of the bench: a query of the pack (sql/queries) and its parameters. */
export interface AuditorQuery {
  name: string;
  params(p: QueryParams): Record<string, string>;
}

/** The five auditor queries the bench times, from the query pack; each has a total order. */
export const AUDITOR_QUERIES: readonly AuditorQuery[] = [
  {
    name: 'sessions_by_principal',
    params: (p) => ({ principal: p.principal, from_day: p.fromDay, to_day: p.toDay }),
  },
  { name: 'errors_by_account', params: (p) => ({ from_day: p.fromDay, to_day: p.toDay }) },
  { name: 'assume_role_by_identity', params: (p) => ({ from_day: p.fromDay, to_day: p.toDay }) },
  { name: 'session_detail', params: (p) => ({ review_id: p.sessionId }) },
  { name: 'events_per_day', params: (p) => ({ from_day: p.fromDay, to_day: p.toDay }) },
];

export interface RunQueriesOptions {
  readready: { cloudtrail: string; cloudwatch: string };
  raw: { cloudtrail: NativeInput; cloudwatch: NativeInput };
  params: QueryParams;
  /** Runs per query and side; the fastest counts (the first warms the file cache for both sides). */
  runs: number;
  threads: number;
  rawBytes: number;
  readreadyBytes: number;
}

const SAFE = (_k: string, v: unknown) => (typeof v === 'bigint' ? v.toString() : v);

/**
 * Section e: each auditor query on readready Parquet (`read_parquet` over the readready folders,
 * hive partitioning) and on the raw gzip JSON (DuckDB `read_json` over the raw files, with the same
 * projection as the native contender), in one DuckDB with the same threads for both. Reports the
 * time of each, the speed-up, whether both answers are the same rows, and the storage ratio.
 */
export async function runQueries(opts: RunQueriesOptions): Promise<QueriesResult> {
  const instance = await DuckDBInstance.create(':memory:', { threads: String(opts.threads) });
  const db = await instance.connect();
  try {
    const runs: QueryRun[] = [];
    for (const aq of AUDITOR_QUERIES) {
      const q = namedQuery(aq.name);
      const { sql, params } = bindNamedQuery(q, aq.params(opts.params));
      const time = async (ct: string, cw: string) => {
        // The pack's SQL as it is, over the two tables as views of either side, with the shared views.
        await db.run(`CREATE OR REPLACE TEMP VIEW from_cloudtrail_readready AS ${ct}`);
        await db.run(`CREATE OR REPLACE TEMP VIEW from_cloudwatch_readready AS ${cw}`);
        for (const shim of DUCKDB_SHIMS) await db.run(shim);
        for (const v of VIEWS) await db.run(createViewSql(v, { temporary: true }));
        let best = Number.POSITIVE_INFINITY;
        let rows: unknown[] = [];
        for (let i = 0; i < Math.max(1, opts.runs); i++) {
          const t0 = performance.now();
          const reader = await db.runAndReadAll(sql, params as (string | number | boolean | null)[]);
          best = Math.min(best, performance.now() - t0);
          rows = reader.getRowObjectsJson();
        }
        return { ms: best, rows };
      };
      const rr = await time(
        `SELECT * FROM ${parquetScan(opts.readready.cloudtrail)}`,
        `SELECT * FROM ${parquetScan(opts.readready.cloudwatch)}`,
      );
      const raw = await time(
        nativeSelect('cloudtrail', opts.raw.cloudtrail),
        nativeSelect('cloudwatch', opts.raw.cloudwatch),
      );
      runs.push({
        name: q.name,
        description: q.description,
        readreadyMs: rr.ms,
        rawMs: raw.ms,
        speedup: raw.ms / Math.max(rr.ms, 0.001),
        rows: rr.rows.length,
        sameResult: JSON.stringify(rr.rows, SAFE) === JSON.stringify(raw.rows, SAFE),
      });
    }
    const speedups = runs.map((r) => r.speedup);
    return {
      runs: Math.max(1, opts.runs),
      threads: opts.threads,
      queries: runs,
      speedupGeomean: Math.exp(speedups.reduce((s, x) => s + Math.log(x), 0) / speedups.length),
      speedupMin: Math.min(...speedups),
      rawBytes: opts.rawBytes,
      readreadyBytes: opts.readreadyBytes,
      storageRatio: opts.rawBytes / Math.max(1, opts.readreadyBytes),
    };
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}
