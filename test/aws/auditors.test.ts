/**
 * Auditors on AWS (moto): the shared views are created in Athena by `CREATE OR REPLACE VIEW` with
 * the text DuckDB runs (moto runs no SQL, so the request is checked by shape), pack queries send
 * their named parameters as ordered ExecutionParameters, the run tables are JSON lines in S3, and
 * an export reads the readready objects from S3 into a DuckDB file.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  StartQueryExecutionCommandInput,
  StartQueryExecutionCommandOutput,
} from '@aws-sdk/client-athena';
import { CreateTableCommand } from '@aws-sdk/client-glue';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { drainQueue } from '../../addapart/drainQueue.ts';
import { exportEvidence } from '../../export/index.ts';
import { generate } from '../../ingest/generate/index.ts';
import { landFiles } from '../../ingest/land.ts';
import type { AwsClients } from '../../lake/aws/awsClients.ts';
import { openAwsLake } from '../../lake/aws/openAwsLake.ts';
import type { Lake } from '../../lake/lake.ts';
import { LOGLAKE_RUNS_COLUMNS } from '../../lake/runTables.ts';
import { createViewSql, SESSION_REVIEW } from '../../lake/views.ts';
import { loadSources } from '../../sources/loader.ts';
import { runNamedQuery } from '../../sql/index.ts';
import { runTransform } from '../../transform/runTransform.ts';
import { intercept } from './intercept.ts';
import { awsConfig, type FixtureQueues, openMotoLake } from './motoFixture.ts';

let lake: Lake;
let clients: AwsClients;
let queues: FixtureQueues;
beforeEach(async () => {
  ({ lake, clients, queues } = await openMotoLake());
});
afterEach(async () => lake?.close());

/** Records the StartQueryExecution requests (passed on to moto). */
const startsOf = () =>
  intercept<StartQueryExecutionCommandInput, StartQueryExecutionCommandOutput>(
    clients.athena as never,
    'StartQueryExecutionCommand',
  );

/** Stores a view in Glue the way Athena does (a VIRTUAL_VIEW with the Presto view text). */
async function storeAthenaView(name: string, originalSql: string): Promise<void> {
  const view = {
    originalSql,
    catalog: 'awsdatacatalog',
    schema: 'loglake',
    columns: [{ name: 'review_id', type: 'varchar' }],
  };
  await clients.glue.send(
    new CreateTableCommand({
      DatabaseName: 'loglake',
      TableInput: {
        Name: name,
        TableType: 'VIRTUAL_VIEW',
        ViewOriginalText: `/* Presto View: ${Buffer.from(JSON.stringify(view)).toString('base64')} */`,
        ViewExpandedText: '/* Presto View */',
        Parameters: { presto_view: 'true' },
        StorageDescriptor: { Columns: [{ Name: 'review_id', Type: 'string' }] },
      },
    }),
  );
}

describe('Athena views and named queries (contract, on moto)', () => {
  it('creates session_review through Athena with the same CREATE OR REPLACE VIEW text as DuckDB, once', async () => {
    const starts = startsOf();
    const engine = await lake.openQueryEngine();
    await lake.openQueryEngine();
    expect(starts.inputs).toHaveLength(1);
    expect(starts.inputs[0]).toMatchObject({
      QueryString: createViewSql(SESSION_REVIEW),
      QueryExecutionContext: { Database: 'loglake' },
    });
    expect(starts.inputs[0]!.QueryString).toMatch(
      /^CREATE OR REPLACE VIEW session_review AS\s+WITH starts AS/,
    );
    expect(starts.inputs[0]!.ExecutionParameters).toBeUndefined();
    await engine.close();
  });

  it('leaves a view alone when Athena already stores the same SELECT', async () => {
    await storeAthenaView('session_review', `\n  ${SESSION_REVIEW.select.trim()}\n`);
    const config = awsConfig(queues);
    const again = await openAwsLake(config, await loadSources(config.sourcesDirs), { clients });
    try {
      const starts = startsOf();
      await again.openQueryEngine();
      expect(starts.inputs).toHaveLength(0);
    } finally {
      await again.close();
    }
  });

  it('replaces a stale view', async () => {
    await storeAthenaView('session_review', 'SELECT sessionid FROM from_cloudtrail_readready');
    const starts = startsOf();
    await lake.openQueryEngine();
    expect(starts.inputs.map((i) => i.QueryString)).toEqual([createViewSql(SESSION_REVIEW)]);
  });

  it('sends a pack query with its named parameters as ordered, quoted ExecutionParameters', async () => {
    const engine = await lake.openQueryEngine();
    const starts = startsOf();
    await runNamedQuery(engine, 'iam_changes', {
      from_time: '2026-11-01 09:00',
      to_time: '2026-11-01T12:00:00Z',
    });
    const input = starts.inputs[0]!;
    expect(input.QueryString).not.toMatch(/:from_time|:to_time/);
    expect(input.QueryString).toContain('substr(?, 1, 10) AND substr(?, 1, 10)');
    expect(input.ExecutionParameters).toEqual([
      "'2026-11-01 09:00:00.000'",
      "'2026-11-01 12:00:00.000'",
      "'2026-11-01 09:00:00.000'",
      "'2026-11-01 12:00:00.000'",
    ]);
  });
});

describe('run tables and exports on AWS (moto)', () => {
  it('writes the run tables as JSON lines and exports from S3 into a DuckDB file with every row', async () => {
    const GEN = { seed: 3, accounts: 1, days: 1, sessions: 2, badFiles: false };
    const { files, manifest } = generate(GEN);
    await landFiles(lake.raw, files);
    await drainQueue(lake);
    const summary = await runTransform(lake);
    expect(summary.runs.length).toBeGreaterThan(0);

    const keys: string[] = [];
    for await (const o of lake.control.list('tables/loglake_runs/')) keys.push(o.key);
    expect(keys).toHaveLength(summary.runs.length);
    const line = JSON.parse(
      Buffer.from(await lake.control.get(keys[0]!))
        .toString('utf8')
        .trim(),
    ) as Record<string, unknown>;
    expect(Object.keys(line)).toEqual(LOGLAKE_RUNS_COLUMNS.map((c) => c.name));
    expect(line.started_at).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$/);
    expect((await lake.catalog.getTable('loglake', 'loglake_runs'))?.location).toBe(
      lake.control.uri('tables/loglake_runs/'),
    );

    const work = await mkdtemp(join(tmpdir(), 'loglake-aws-export-'));
    try {
      const out = join(work, 'evidence.duckdb');
      const m = await exportEvidence(lake, { from: '2026-11-01', to: '2026-11-01', out });
      expect(m.readreadyFiles.length).toBeGreaterThan(0);
      expect(m.lake).toMatch(/^aws s3:\/\//);
      const instance = await DuckDBInstance.create(out, { access_mode: 'READ_ONLY' });
      const db = await instance.connect();
      try {
        const n = async (sql: string) => Number((await db.runAndReadAll(sql)).getRows()[0]![0]);
        expect(await n('SELECT count(*) FROM from_cloudtrail_readready')).toBe(
          manifest.events.cloudtrailRecords,
        );
        expect(await n('SELECT count(*) FROM from_cloudwatch_readready')).toBe(
          manifest.events.cloudwatchLogEvents,
        );
        expect(await n('SELECT count(*) FROM session_review WHERE sessionid IS NOT NULL')).toBe(
          manifest.sessions.length,
        );
      } finally {
        db.closeSync();
        instance.closeSync();
      }
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }, 60_000);
});
