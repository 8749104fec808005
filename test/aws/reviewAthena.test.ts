/**
 * Contract: on AWS the review API's queries reach Athena with every value in `ExecutionParameters`
 * and none in the query text (moto runs no SQL, so results are seeded where a step needs one).
 */
import type { ColumnInfo, StartQueryExecutionCommandInput } from '@aws-sdk/client-athena';
import { beforeEach, describe, expect, it } from 'vitest';
import { EngineHolder } from '../../api/engineHolder.ts';
import { SessionNotFoundError } from '../../api/errors.ts';
import { ReviewService } from '../../api/reviewService.ts';
import type { ReviewTables } from '../../api/reviewTables.ts';
import { AthenaQueryEngine } from '../../lake/aws/athenaQueryEngine.ts';
import type { AwsClients } from '../../lake/aws/awsClients.ts';
import { intercept } from './intercept.ts';
import { motoClients, motoEndpoint, resetMoto } from './motoFixture.ts';

const ATTACK = "x' OR '1'='1";
const col = (Name: string, Type = 'varchar'): ColumnInfo => ({
  Name,
  Label: Name,
  Type,
  Nullable: 'UNKNOWN',
});

async function seed(names: [string, string][], values: string[]): Promise<void> {
  const res = await fetch(`${motoEndpoint()}/moto-api/static/athena/query-results`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      region: 'us-east-1',
      results: [
        {
          rows: [
            { Data: names.map(([n]) => ({ VarCharValue: n })) },
            { Data: values.map((v) => ({ VarCharValue: v })) },
          ],
          column_info: names.map(([n, t]) => col(n, t)),
        },
      ],
    }),
  });
  expect(res.status).toBe(201);
}

/** Placeholders outside string literals (the identity regex holds `?` of its own). */
const placeholders = (sql: string) => (sql.replace(/'(?:[^']|'')*'/g, "''").match(/\?/g) ?? []).length;

let clients: AwsClients;
let starts: { inputs: StartQueryExecutionCommandInput[] };
let service: ReviewService;
beforeEach(async () => {
  await resetMoto();
  clients = motoClients();
  starts = intercept(clients.athena, 'StartQueryExecutionCommand') as {
    inputs: StartQueryExecutionCommandInput[];
  };
  const engine = new AthenaQueryEngine(clients.athena, { database: 'loglake', pollInitialMs: 5 });
  service = new ReviewService({
    engines: new EngineHolder(async () => engine),
    // Decisions are not exercised here: they are appends, tested on the embedded lake.
    tables: {} as ReviewTables,
    directory: async () => [{ identity: "employee-1'--", manager: 'manager-a' }],
    now: () => new Date('2026-11-06T00:00:00Z'),
  });
});

function expectAllBound(): void {
  expect(starts.inputs.length).toBeGreaterThan(0);
  for (const input of starts.inputs) {
    const params = input.ExecutionParameters ?? [];
    expect(params.length, input.QueryString).toBe(placeholders(input.QueryString!));
    expect(params.length).toBeGreaterThan(0);
    expect(input.QueryString).not.toContain(ATTACK);
    expect(input.QueryString).not.toContain('employee-1');
  }
}

describe('review queries on Athena', () => {
  it('bind every list filter, the team and the cursor as execution parameters', async () => {
    const cursor = { startTime: '2026-11-05T00:00:00.000Z', ref: ATTACK };
    const page = await service.list(
      { identity: 'manager-a' },
      { account: '111122223333', state: 'pending', cursor, limit: 10 },
    );
    expect(page.sessions).toEqual([]);
    expectAllBound();
    const params = starts.inputs[0]!.ExecutionParameters!;
    expect(params).toEqual(
      expect.arrayContaining(["'111122223333'", "'pending'", "'employee-1''--'", "'x'' OR ''1''=''1'", '11']),
    );
    expect(params).toContain("'2026-11-05 00:00:00.000'");
  });

  it('bind the session id, and answer an unknown one as not found', async () => {
    await expect(service.get({ identity: 'manager-a' }, ATTACK)).rejects.toBeInstanceOf(SessionNotFoundError);
    expectAllBound();
    // Looked up by session id, then as a failed StartSession by eventid: both bound, both empty.
    expect(starts.inputs.map((i) => i.ExecutionParameters)).toEqual([
      ["'x'' OR ''1''=''1'"],
      ["'x'' OR ''1''=''1'"],
    ]);
  });

  it('bind every step of one session: day, row, lines, end, context and decisions', async () => {
    await seed([['calendarday', 'varchar']], ['2026-11-01']);
    await seed(
      [
        ['session_ref', 'varchar'],
        ['sessionid', 'varchar'],
        ['eventid', 'varchar'],
        ['start_time', 'timestamp'],
        ['due_at', 'timestamp'],
        ['principal_arn', 'varchar'],
        ['employee', 'varchar'],
        ['state', 'varchar'],
        ['calendarday', 'varchar'],
      ],
      [
        'employee-1-0abc',
        'employee-1-0abc',
        'e-1',
        '2026-11-01 08:15:02.000',
        '2026-11-08 08:15:02.000',
        "arn:aws:sts::111122223333:assumed-role/r/employee-1'--",
        "employee-1'--",
        'pending',
        '2026-11-01',
      ],
    );
    const detail = await service.get({ identity: 'manager-a' }, 'employee-1-0abc');
    expect(detail.session.id).toBe('employee-1-0abc');
    expect(starts.inputs.map((i) => i.QueryString!.match(/FROM (\w+)/)?.[1])).toEqual([
      'from_cloudtrail_sessions',
      'from_cloudtrail_sessions',
      'from_cloudtrail_sessions',
      'from_cloudwatch_readready',
      'from_cloudtrail_readready',
      'loglake_session_reviews',
    ]);
    expectAllBound();
    const context = starts.inputs[4]!.ExecutionParameters!;
    expect(context.slice(0, 4)).toEqual([
      "'2026-11-01'",
      "'2026-11-01'",
      "'2026-11-01 07:15:02.000'",
      "'2026-11-01 08:15:02.000'",
    ]);
  });
});
