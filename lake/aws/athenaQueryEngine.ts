import {
  type AthenaClient,
  type ColumnInfo,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  type QueryExecution,
  StartQueryExecutionCommand,
  type StartQueryExecutionCommandInput,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { errorMessage, QueryError } from '../errors.ts';
import type { QueryEngine, QueryResult } from '../ports.ts';
import { awsErrorName } from './awsError.ts';
import { sleep } from './retry.ts';

/** A value bound to a `?` placeholder. */
export type QueryParam = string | number | boolean | null;

/** Options of {@link AthenaQueryEngine}; every field but the database has a default. */
export interface AthenaQueryEngineOptions {
  /** Glue database the statements run in. */
  database: string;
  /** Athena workgroup. Default `primary`. */
  workgroup?: string;
  /** `s3://…` for results, when the workgroup does not set one. */
  outputLocation?: string;
  /** First wait between GetQueryExecution polls; doubled up to `pollMaxMs`. Default 100 ms. */
  pollInitialMs?: number;
  /** Longest wait between polls. Default 2 s. */
  pollMaxMs?: number;
  /** A query still running after this is stopped (StopQueryExecution) and fails. Default 5 min. */
  timeoutMs?: number;
  /** Rows per GetQueryResults page. Default 1000 (Athena's maximum). */
  pageSize?: number;
  /** Waits; tests pass a fake. */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Quotes one parameter as an Athena SQL literal for `ExecutionParameters`. Athena splices the
 * parameters into the statement as literals, so a string must be a quoted SQL string literal with
 * its quotes doubled (`'it''s'`); numbers and booleans are written bare and null as `NULL`.
 */
export function athenaLiteral(value: QueryParam): string {
  if (value === null) return 'NULL';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value))
      throw new QueryError(`parameter is not a finite number: ${value}`, 'invalid_parameter');
    return String(value);
  }
  return `'${value.replace(/'/g, "''")}'`;
}

/** The StartQueryExecution request of a statement with positional parameters. */
export function startQueryInput(
  sql: string,
  params: readonly QueryParam[],
  opts: Pick<AthenaQueryEngineOptions, 'database' | 'workgroup' | 'outputLocation'>,
): StartQueryExecutionCommandInput {
  return {
    QueryString: sql,
    QueryExecutionContext: { Database: opts.database },
    WorkGroup: opts.workgroup ?? 'primary',
    ...(opts.outputLocation ? { ResultConfiguration: { OutputLocation: opts.outputLocation } } : {}),
    // Athena rejects an empty list: a statement without placeholders sends none.
    ...(params.length > 0 ? { ExecutionParameters: params.map(athenaLiteral) } : {}),
  };
}

const INTEGER_TYPES = new Set(['tinyint', 'smallint', 'integer', 'int', 'bigint']);
const FLOAT_TYPES = new Set(['double', 'float', 'real', 'decimal']);

/** Converts one Athena result cell (always text) to a JS value by its column type. */
export function convertValue(text: string | undefined, type: string): unknown {
  if (text === undefined) return null;
  const base = type.toLowerCase().replace(/\(.*$/, '').trim();
  if (INTEGER_TYPES.has(base)) {
    const n = Number(text);
    return Number.isSafeInteger(n) ? n : BigInt(text);
  }
  if (FLOAT_TYPES.has(base)) return Number(text);
  if (base === 'boolean') return text === 'true';
  if (base.startsWith('timestamp')) {
    // Athena writes `2026-11-01 10:15:00.000` (UTC), optionally with a zone name after it.
    const [day, time = '00:00:00', zone] = text.split(' ');
    const iso = `${day}T${time}${zone === undefined || zone === 'UTC' ? 'Z' : ''}`;
    const date = new Date(iso);
    return Number.isNaN(date.getTime()) ? text : date;
  }
  return text;
}

const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

/**
 * Athena as the {@link QueryEngine}: StartQueryExecution in a workgroup with the parameters as
 * `ExecutionParameters`, GetQueryExecution polled with backoff up to a timeout (then
 * StopQueryExecution), and paged GetQueryResults turned into typed rows from the result set
 * metadata. A FAILED or CANCELLED query throws {@link QueryError} carrying Athena's reason.
 */
export class AthenaQueryEngine implements QueryEngine {
  readonly #opts: AthenaQueryEngineOptions;

  constructor(
    readonly client: AthenaClient,
    opts: AthenaQueryEngineOptions,
  ) {
    this.#opts = opts;
  }

  async query(sql: string, params: readonly QueryParam[] = []): Promise<QueryResult> {
    let id: string;
    try {
      const out = await this.client.send(
        new StartQueryExecutionCommand(startQueryInput(sql, params, this.#opts)),
      );
      id = out.QueryExecutionId ?? '';
    } catch (err) {
      throw new QueryError(
        `Athena did not start the query: ${errorMessage(err)}`,
        awsErrorName(err) ?? errorMessage(err),
        {},
        { cause: err },
      );
    }
    const execution = await this.#wait(id);
    return this.#results(id, execution.StatementType === 'DML');
  }

  async #wait(id: string): Promise<QueryExecution> {
    const { pollInitialMs = 100, pollMaxMs = 2000, timeoutMs = 300_000, sleep: wait = sleep } = this.#opts;
    const deadline = Date.now() + timeoutMs;
    let delay = pollInitialMs;
    for (;;) {
      const out = await this.client.send(new GetQueryExecutionCommand({ QueryExecutionId: id }));
      const execution = out.QueryExecution ?? {};
      const state = execution.Status?.State ?? 'UNKNOWN';
      if (state === 'SUCCEEDED') return execution;
      if (TERMINAL.has(state)) {
        const reason =
          execution.Status?.StateChangeReason ?? execution.Status?.AthenaError?.ErrorMessage ?? state;
        throw new QueryError(`Athena query ${state.toLowerCase()}: ${reason}`, reason, {
          queryExecutionId: id,
          state,
          errorCategory: execution.Status?.AthenaError?.ErrorCategory,
          errorType: execution.Status?.AthenaError?.ErrorType,
        });
      }
      if (Date.now() + delay > deadline) {
        await this.client
          .send(new StopQueryExecutionCommand({ QueryExecutionId: id }))
          .catch(() => undefined);
        throw new QueryError(`Athena query timed out after ${timeoutMs} ms and was stopped`, 'timeout', {
          queryExecutionId: id,
          state,
          timeoutMs,
        });
      }
      await wait(delay);
      delay = Math.min(pollMaxMs, delay * 2);
    }
  }

  async #results(id: string, mayHaveHeader: boolean): Promise<QueryResult> {
    const { pageSize = 1000 } = this.#opts;
    let columns: ColumnInfo[] | undefined;
    const rows: Record<string, unknown>[] = [];
    let token: string | undefined;
    let first = true;
    do {
      const page = await this.client.send(
        new GetQueryResultsCommand({ QueryExecutionId: id, NextToken: token, MaxResults: pageSize }),
      );
      columns ??= page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? [];
      const names = columns.map((c) => c.Name ?? c.Label ?? '');
      let data = page.ResultSet?.Rows ?? [];
      // A SELECT's first row on the first page repeats the column names.
      if (
        first &&
        mayHaveHeader &&
        data.length > 0 &&
        data[0]!.Data?.every((d, i) => d.VarCharValue === names[i])
      ) {
        data = data.slice(1);
      }
      for (const row of data) {
        const out: Record<string, unknown> = {};
        columns.forEach((c, i) => {
          out[names[i]!] = convertValue(row.Data?.[i]?.VarCharValue, c.Type ?? 'varchar');
        });
        rows.push(out);
      }
      first = false;
      token = page.NextToken || undefined;
    } while (token !== undefined);
    return { columns: (columns ?? []).map((c) => ({ name: c.Name ?? '', type: c.Type ?? 'varchar' })), rows };
  }

  async close(): Promise<void> {}
}
