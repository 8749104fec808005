import { DuckDBInstance } from '@duckdb/node-api';
import { parquetScan } from './compareChecksums.ts';
import { type NativeInput, nativeSelect } from './nativeSql.ts';
import type { QueriesResult, QueryRun } from './types.ts';

/** Values the auditor queries bind. */
export interface QueryParams {
  fromDay: string;
  toDay: string;
  sessionId: string;
}

/** One auditor query, written once against the table names `ct` and `cw`. */
export interface AuditorQuery {
  name: string;
  description: string;
  sql: string;
  params(p: QueryParams): string[];
}

/** The five auditor queries, each with a total order so the two answers compare row by row. */
export const AUDITOR_QUERIES: readonly AuditorQuery[] = [
  {
    name: 'start_session_by_principal',
    description: 'StartSession calls per principal over a day range',
    sql: `SELECT useridentity_arn AS principal, count(*) AS sessions FROM ct
      WHERE eventname = 'StartSession' AND calendarday BETWEEN ? AND ?
      GROUP BY 1 ORDER BY 2 DESC, 1`,
    params: (p) => [p.fromDay, p.toDay],
  },
  {
    name: 'access_denied_by_account',
    description: 'AccessDenied errors per account',
    sql: `SELECT recipientaccountid AS account, count(*) AS denied FROM ct
      WHERE errorcode = 'AccessDenied' GROUP BY 1 ORDER BY 1`,
    params: () => [],
  },
  {
    name: 'assume_role_with_saml_by_identity',
    description: 'AssumeRoleWithSAML calls per federated identity',
    sql: `SELECT useridentity_principalid AS identity, useridentity_username AS username, count(*) AS calls
      FROM ct WHERE eventname = 'AssumeRoleWithSAML' GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2`,
    params: () => [],
  },
  {
    name: 'session_review',
    description: 'one session: its StartSession joined to its CloudWatch lines',
    sql: `SELECT c.sessionid, c.eventtime AS start_time, c.useridentity_arn AS principal,
        c.sourceidentity AS source_identity, c.recipientaccountid AS account, c.target,
        count(w.logeventid) AS line_count, min(w.eventtime) AS first_line, max(w.eventtime) AS last_line
      FROM ct c LEFT JOIN cw w ON w.sessionid = c.sessionid
      WHERE c.eventname = 'StartSession' AND c.sessionid = ?
      GROUP BY ALL ORDER BY start_time`,
    params: (p) => [p.sessionId],
  },
  {
    name: 'count_by_eventname_per_day',
    description: 'events per eventname per day',
    sql: `SELECT calendarday, eventname, count(*) AS events FROM ct GROUP BY 1, 2 ORDER BY 1, 2`,
    params: () => [],
  },
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
    for (const q of AUDITOR_QUERIES) {
      const params = q.params(opts.params);
      const time = async (ct: string, cw: string) => {
        const sql = `WITH ct AS (${ct}), cw AS (${cw}) ${q.sql}`;
        let best = Number.POSITIVE_INFINITY;
        let rows: unknown[] = [];
        for (let i = 0; i < Math.max(1, opts.runs); i++) {
          const t0 = performance.now();
          const reader = await db.runAndReadAll(sql, params);
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
