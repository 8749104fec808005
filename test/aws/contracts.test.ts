/**
 * Contract tests for what moto cannot prove (DESIGN §11): the exact request shapes loglake sends
 * where moto answers with a stub, an error, or a single page. A middleware records each request
 * and, where moto falls short, plays the real service's answer.
 */
import type { StartQueryExecutionCommandInput } from '@aws-sdk/client-athena';
import type {
  CreatePartitionIndexCommandInput,
  GetPartitionIndexesCommandOutput,
  GetPartitionsCommandInput,
  GetPartitionsCommandOutput,
} from '@aws-sdk/client-glue';
import { beforeEach, describe, expect, it } from 'vitest';
import { AthenaQueryEngine } from '../../lake/aws/athenaQueryEngine.ts';
import type { AwsClients } from '../../lake/aws/awsClients.ts';
import { GlueCatalog } from '../../lake/aws/glueCatalog.ts';
import type { TableDef } from '../../lake/ports.ts';
import { intercept } from './intercept.ts';
import { motoClients, resetMoto } from './motoFixture.ts';

const readready: TableDef = {
  database: 'loglake',
  name: 'from_cloudtrail_readready',
  location: 's3://rr/from_cloudtrail_readready/',
  format: 'parquet',
  columns: [{ name: 'eventid', type: 'string' }],
  partitionKeys: [{ name: 'calendarday', type: 'string' }],
};

describe('contracts for what moto cannot prove', () => {
  let clients: AwsClients;
  let warnings: string[];
  let catalog: GlueCatalog;

  beforeEach(async () => {
    await resetMoto();
    clients = motoClients();
    warnings = [];
    catalog = new GlueCatalog(clients.glue, { baseDelayMs: 1, warn: (m) => warnings.push(m) });
    await catalog.ensureDatabase('loglake');
  });

  it('CreatePartitionIndex: readready tables ask for the calendarday index, exactly this shape', async () => {
    // prepare: moto answers CreatePartitionIndex with a 500, so the success is played here.
    const calls = intercept(clients.glue, 'CreatePartitionIndexCommand', async () => ({ $metadata: {} }));
    // act
    await catalog.ensureTable(readready);
    await catalog.ensureTable({
      ...readready,
      name: 'from_cloudtrail_raw',
      format: 'json',
      partitionKeys: [{ name: 'year', type: 'string' }],
    });
    // assess
    expect(calls.inputs as CreatePartitionIndexCommandInput[]).toEqual([
      {
        DatabaseName: 'loglake',
        TableName: 'from_cloudtrail_readready',
        PartitionIndex: { Keys: ['calendarday'], IndexName: 'calendarday_idx' },
      },
    ]);
    expect(warnings).toEqual([]);
  });

  it('CreatePartitionIndex: an index that exists already is not asked for again', async () => {
    // prepare
    intercept(clients.glue, 'GetPartitionIndexesCommand', async () => {
      const out: GetPartitionIndexesCommandOutput = {
        $metadata: {},
        PartitionIndexDescriptorList: [
          {
            IndexName: 'calendarday_idx',
            IndexStatus: 'ACTIVE',
            Keys: [{ Name: 'calendarday', Type: 'string' }],
          },
        ],
      };
      return out;
    });
    const calls = intercept(clients.glue, 'CreatePartitionIndexCommand', async () => ({ $metadata: {} }));
    // act
    await catalog.ensureTable(readready);
    // assess
    expect(calls.inputs).toEqual([]);
  });

  it('GetPartitions: follows NextToken until the last page and keeps every partition', async () => {
    // prepare: moto returns every partition in one page, so the pages are played here.
    const part = (d: string) => ({
      Values: [d],
      StorageDescriptor: { Location: `s3://rr/t/calendarday=${d}/` },
    });
    const pages: GetPartitionsCommandOutput[] = [
      { $metadata: {}, Partitions: [part('2026-01-02'), part('2026-01-01')], NextToken: 'page-2' },
      { $metadata: {}, Partitions: [], NextToken: 'page-3' },
      { $metadata: {}, Partitions: [part('2026-01-03')] },
    ];
    const calls = intercept(
      clients.glue,
      'GetPartitionsCommand',
      async (_input, _next, call) => pages[call - 1]!,
    );
    // act
    const partitions = await catalog.listPartitions('loglake', 't');
    // assess
    expect(
      (calls.inputs as GetPartitionsCommandInput[]).map((i) => [i.DatabaseName, i.TableName, i.NextToken]),
    ).toEqual([
      ['loglake', 't', undefined],
      ['loglake', 't', 'page-2'],
      ['loglake', 't', 'page-3'],
    ]);
    expect(partitions.map((p) => p.values[0])).toEqual(['2026-01-01', '2026-01-02', '2026-01-03']);
    expect(partitions[0]?.location).toBe('s3://rr/t/calendarday=2026-01-01/');
  });

  it('StartQueryExecution: workgroup, database, output location and quoted ExecutionParameters', async () => {
    // prepare: moto accepts the request (it runs no SQL); the shape is what Athena requires.
    const calls = intercept(clients.athena, 'StartQueryExecutionCommand');
    const engine = new AthenaQueryEngine(clients.athena, {
      database: 'loglake',
      workgroup: 'primary',
      outputLocation: 's3://loglake-athena-results/',
      pollInitialMs: 1,
    });
    // act
    await engine.query('SELECT * FROM t WHERE a = ? AND b = ? AND c = ? AND d IS ?', [
      "it's",
      42,
      true,
      null,
    ]);
    await engine.query('SELECT 1');
    // assess
    expect(calls.inputs as StartQueryExecutionCommandInput[]).toEqual([
      {
        QueryString: 'SELECT * FROM t WHERE a = ? AND b = ? AND c = ? AND d IS ?',
        QueryExecutionContext: { Database: 'loglake' },
        WorkGroup: 'primary',
        ResultConfiguration: { OutputLocation: 's3://loglake-athena-results/' },
        ExecutionParameters: ["'it''s'", '42', 'true', 'NULL'],
      },
      {
        QueryString: 'SELECT 1',
        QueryExecutionContext: { Database: 'loglake' },
        WorkGroup: 'primary',
        ResultConfiguration: { OutputLocation: 's3://loglake-athena-results/' },
      },
    ]);
  });
});
