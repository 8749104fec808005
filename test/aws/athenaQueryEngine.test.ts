import {
  type ColumnInfo,
  GetQueryExecutionCommand,
  type GetQueryExecutionCommandOutput,
  type GetQueryResultsCommandInput,
  type GetQueryResultsCommandOutput,
  ListQueryExecutionsCommand,
} from '@aws-sdk/client-athena';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AthenaQueryEngine, athenaLiteral, convertValue } from '../../lake/aws/athenaQueryEngine.ts';
import type { AwsClients } from '../../lake/aws/awsClients.ts';
import { QueryError } from '../../lake/errors.ts';
import { intercept } from './intercept.ts';
import { motoClients, motoEndpoint, resetMoto } from './motoFixture.ts';

const col = (Name: string, Type: string): ColumnInfo => ({
  Name,
  Label: Name,
  Type,
  CatalogName: 'hive',
  Nullable: 'UNKNOWN',
});
const row = (...values: (string | undefined)[]) => ({
  Data: values.map((v) => (v === undefined ? {} : { VarCharValue: v })),
});

const COLUMNS = [
  col('sessionid', 'varchar'),
  col('lines', 'bigint'),
  col('share', 'double'),
  col('mfa', 'boolean'),
  col('eventtime', 'timestamp'),
  col('n', 'integer'),
];

/** Queues a result for moto's next query (moto runs no SQL; this is what it answers). */
async function seedResults(rows: ReturnType<typeof row>[], columns: ColumnInfo[]): Promise<void> {
  const res = await fetch(`${motoEndpoint()}/moto-api/static/athena/query-results`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ region: 'us-east-1', results: [{ rows, column_info: columns }] }),
  });
  expect(res.status).toBe(201);
}

async function setTransition(transition: Record<string, unknown> | undefined): Promise<void> {
  const path = transition ? 'set-transition' : 'unset-transition';
  await fetch(`${motoEndpoint()}/moto-api/state-manager/${path}`, {
    method: 'POST',
    body: JSON.stringify({ model_name: 'athena::execution', ...(transition ? { transition } : {}) }),
  });
}

describe('AthenaQueryEngine on moto', () => {
  let clients: AwsClients;

  beforeEach(async () => {
    await resetMoto();
    clients = motoClients();
  });
  afterEach(async () => {
    await setTransition(undefined);
  });

  it('runs a query with execution parameters and converts seeded results by column type', async () => {
    // prepare
    await seedResults(
      [
        row('sessionid', 'lines', 'share', 'mfa', 'eventtime', 'n'),
        row('alice-0b7c1cc185ccf51a9', '42', '0.5', 'true', '2026-11-01 10:15:00.123', '7'),
        row(undefined, undefined, undefined, 'false', undefined, '-1'),
      ],
      COLUMNS,
    );
    const engine = new AthenaQueryEngine(clients.athena, {
      database: 'loglake',
      workgroup: 'primary',
      pollInitialMs: 5,
    });
    // act
    const result = await engine.query('SELECT * FROM session_review WHERE principal = ? AND lines > ?', [
      "o'brien",
      3,
    ]);
    // assess
    expect(result.columns.map((c) => c.type)).toEqual([
      'varchar',
      'bigint',
      'double',
      'boolean',
      'timestamp',
      'integer',
    ]);
    expect(result.rows).toEqual([
      {
        sessionid: 'alice-0b7c1cc185ccf51a9',
        lines: 42,
        share: 0.5,
        mfa: true,
        eventtime: new Date('2026-11-01T10:15:00.123Z'),
        n: 7,
      },
      { sessionid: null, lines: null, share: null, mfa: false, eventtime: null, n: -1 },
    ]);
    const ids = await clients.athena.send(new ListQueryExecutionsCommand({}));
    const execution = await clients.athena.send(
      new GetQueryExecutionCommand({ QueryExecutionId: ids.QueryExecutionIds![0] }),
    );
    expect(execution.QueryExecution?.ExecutionParameters).toEqual(["'o''brien'", '3']);
    expect(execution.QueryExecution?.WorkGroup).toBe('primary');
  });

  it('polls with backoff while the query is queued and running', async () => {
    // prepare
    await setTransition({ progression: 'manual', times: 3 });
    await seedResults([row('n'), row('1')], [col('n', 'bigint')]);
    const waits: number[] = [];
    const engine = new AthenaQueryEngine(clients.athena, {
      database: 'loglake',
      pollInitialMs: 10,
      pollMaxMs: 40,
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    const polls = intercept(clients.athena, 'GetQueryExecutionCommand');
    // act
    const result = await engine.query('SELECT 1 AS n');
    // assess
    expect(result.rows).toEqual([{ n: 1 }]);
    expect(polls.inputs.length).toBeGreaterThanOrEqual(3);
    expect(waits.length).toBeGreaterThanOrEqual(2);
    expect(waits).toEqual(waits.map((_, i) => Math.min(40, 10 * 2 ** i)));
    expect(waits.length).toBe(polls.inputs.length - 1);
  });

  it('stops a query that outlives its timeout and throws a typed error', async () => {
    // prepare
    await setTransition({ progression: 'manual', times: 1_000_000 });
    const engine = new AthenaQueryEngine(clients.athena, {
      database: 'loglake',
      pollInitialMs: 10,
      pollMaxMs: 20,
      timeoutMs: 150,
    });
    // act
    const error = await engine.query('SELECT slow()').catch((e: unknown) => e);
    // assess
    expect(error).toBeInstanceOf(QueryError);
    expect((error as QueryError).reason).toBe('timeout');
    const id = String((error as QueryError).context.queryExecutionId);
    await setTransition(undefined);
    const after = await clients.athena.send(new GetQueryExecutionCommand({ QueryExecutionId: id }));
    expect(after.QueryExecution?.Status?.State).toBe('CANCELLED');
  });

  it('throws a QueryError carrying Athena’s StateChangeReason when the query fails (played by middleware)', async () => {
    // prepare: moto never fails a query, so the FAILED answer is played by a middleware.
    const reason = "COLUMN_NOT_FOUND: line 1:8: Column 'nope' cannot be resolved";
    intercept(clients.athena, 'GetQueryExecutionCommand', async (input) => {
      const out: GetQueryExecutionCommandOutput = {
        $metadata: {},
        QueryExecution: {
          QueryExecutionId: (input as { QueryExecutionId?: string }).QueryExecutionId,
          StatementType: 'DML',
          Status: {
            State: 'FAILED',
            StateChangeReason: reason,
            AthenaError: { ErrorCategory: 2, ErrorType: 1006 },
          },
        },
      };
      return out;
    });
    const engine = new AthenaQueryEngine(clients.athena, { database: 'loglake' });
    // act
    const error = await engine.query('SELECT nope FROM t').catch((e: unknown) => e);
    // assess
    expect(error).toBeInstanceOf(QueryError);
    expect(error).toMatchObject({
      name: 'QueryError',
      reason,
      context: { state: 'FAILED', errorCategory: 2, errorType: 1006 },
    });
    expect((error as Error).message).toContain('COLUMN_NOT_FOUND');
  });

  it('follows NextToken across result pages and skips the header of the first page', async () => {
    // prepare: moto answers every result in one page, so the pages are played by a middleware.
    const pages: GetQueryResultsCommandOutput[] = [
      {
        $metadata: {},
        NextToken: 't2',
        ResultSet: {
          ResultSetMetadata: { ColumnInfo: [col('n', 'bigint')] },
          Rows: [row('n'), row('1'), row('2')],
        },
      },
      {
        $metadata: {},
        NextToken: 't3',
        ResultSet: { ResultSetMetadata: { ColumnInfo: [col('n', 'bigint')] }, Rows: [row('3')] },
      },
      {
        $metadata: {},
        ResultSet: {
          ResultSetMetadata: { ColumnInfo: [col('n', 'bigint')] },
          Rows: [row(undefined), row('4')],
        },
      },
    ];
    const calls = intercept(
      clients.athena,
      'GetQueryResultsCommand',
      async (_input, _next, call) => pages[call - 1]!,
    );
    const engine = new AthenaQueryEngine(clients.athena, {
      database: 'loglake',
      pollInitialMs: 1,
      pageSize: 3,
    });
    // act
    const result = await engine.query('SELECT n FROM t');
    // assess
    expect((calls.inputs as GetQueryResultsCommandInput[]).map((i) => [i.NextToken, i.MaxResults])).toEqual([
      [undefined, 3],
      ['t2', 3],
      ['t3', 3],
    ]);
    expect(result.rows.map((r) => r.n)).toEqual([1, 2, 3, null, 4]);
  });
});

describe('Athena literals and values', () => {
  it('quotes parameters as Athena SQL literals', () => {
    expect([
      athenaLiteral("it's"),
      athenaLiteral(''),
      athenaLiteral(12.5),
      athenaLiteral(false),
      athenaLiteral(null),
    ]).toEqual(["'it''s'", "''", '12.5', 'false', 'NULL']);
    expect(() => athenaLiteral(Number.NaN)).toThrow(QueryError);
  });

  it('converts values by type, keeping unknown types as text', () => {
    expect(convertValue('9007199254740993', 'bigint')).toBe(9007199254740993n);
    expect(convertValue('1.25', 'decimal(10,2)')).toBe(1.25);
    expect(convertValue('2026-11-01 00:00:00.000 UTC', 'timestamp with time zone')).toEqual(
      new Date('2026-11-01T00:00:00Z'),
    );
    expect(convertValue('[1, 2]', 'array(integer)')).toBe('[1, 2]');
    expect(convertValue('2026-11-01', 'date')).toBe('2026-11-01');
  });
});
