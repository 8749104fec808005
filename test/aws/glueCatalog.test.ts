import {
  BatchCreatePartitionCommand,
  type BatchCreatePartitionCommandInput,
  type BatchCreatePartitionCommandOutput,
  GetPartitionCommand,
  GetPartitionsCommand,
  GetTableCommand,
  type GlueClient,
} from '@aws-sdk/client-glue';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AwsClients } from '../../lake/aws/awsClients.ts';
import { GLUE_FORMATS, GlueCatalog } from '../../lake/aws/glueCatalog.ts';
import { CatalogError } from '../../lake/errors.ts';
import type { PartitionSpec, TableDef } from '../../lake/ports.ts';
import { loadSources } from '../../sources/loader.ts';
import { rawTableDef, readreadyTableDef } from '../../sources/tables.ts';
import { FakeServiceError, intercept } from './intercept.ts';
import { motoClients, resetMoto } from './motoFixture.ts';

const DB = 'loglake';

const readready: TableDef = {
  database: DB,
  name: 'from_test_readready',
  location: 's3://rr/from_test_readready/',
  format: 'parquet',
  columns: [
    { name: 'eventtime', type: 'timestamp' },
    { name: 'n', type: 'bigint' },
    { name: 'ok', type: 'boolean' },
  ],
  partitionKeys: [{ name: 'calendarday', type: 'string' }],
  parameters: { 'loglake.layer': 'readready' },
};

const days = (n: number, start = 0): PartitionSpec[] =>
  Array.from({ length: n }, (_, i) => {
    const d = new Date(Date.UTC(2026, 0, 1 + start + i)).toISOString().slice(0, 10);
    return { values: [d], location: `s3://rr/from_test_readready/calendarday=${d}/` };
  });

type Fault = (
  input: BatchCreatePartitionCommandInput,
  call: number,
) => 'throttle' | 'cme' | 'fail' | 'entry-cme' | undefined;

/**
 * Injects faults into BatchCreatePartition, before the SDK's own retry: a whole-call error, or a
 * per-entry error for one partition (which then is not created, as when Glue reports it).
 */
function injectFaults(
  glue: GlueClient,
  fault: Fault,
  isVictim: (values: string[], index: number) => boolean = (_v, i) => i === 0,
): { inputs: unknown[] } {
  return intercept(glue, 'BatchCreatePartitionCommand', async (input, next, call) => {
    const typed = input as BatchCreatePartitionCommandInput;
    const kind = fault(typed, call);
    if (kind === 'throttle') throw new FakeServiceError('ThrottlingException');
    if (kind === 'cme') throw new FakeServiceError('ConcurrentModificationException');
    if (kind === 'fail') throw new FakeServiceError('InternalServiceException');
    if (kind !== 'entry-cme') return next();
    const list = typed.PartitionInputList!;
    const victim = list.find((p, i) => isVictim(p.Values!, i));
    typed.PartitionInputList = list.filter((p) => p !== victim);
    const output = (await next()) as BatchCreatePartitionCommandOutput;
    output.Errors = [
      ...(output.Errors ?? []),
      {
        PartitionValues: victim?.Values,
        ErrorDetail: { ErrorCode: 'ConcurrentModificationException', ErrorMessage: 'injected' },
      },
    ];
    return output;
  });
}

describe('GlueCatalog on moto', () => {
  let clients: AwsClients;
  let warnings: string[];
  let catalog: GlueCatalog;

  beforeEach(async () => {
    await resetMoto();
    clients = motoClients();
    warnings = [];
    catalog = new GlueCatalog(clients.glue, { baseDelayMs: 1, warn: (m) => warnings.push(m) });
    await catalog.ensureDatabase(DB);
  });

  it('creates tables with the SerDe of their format, and updates them on a second ensure', async () => {
    // prepare
    const sources = await loadSources();
    const cloudtrail = sources.find((s) => s.name === 'cloudtrail')!;
    const cloudwatch = sources.find((s) => s.name === 'cloudwatch')!;
    // act
    await catalog.ensureDatabase(DB);
    await catalog.ensureTable(readready);
    await catalog.ensureTable(rawTableDef(cloudtrail, DB, 's3://raw/'));
    await catalog.ensureTable(rawTableDef(cloudwatch, DB, 's3://raw/'));
    await catalog.ensureTable({
      ...readready,
      columns: [...readready.columns, { name: 'extra', type: 'double' }],
    });
    // assess
    const sd = async (name: string) =>
      (await clients.glue.send(new GetTableCommand({ DatabaseName: DB, Name: name }))).Table!
        .StorageDescriptor!;
    expect((await sd('from_test_readready')).SerdeInfo?.SerializationLibrary).toBe(
      'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
    );
    expect((await sd('from_test_readready')).InputFormat).toBe(GLUE_FORMATS.parquet.InputFormat);
    expect((await sd(cloudtrail.rawTable)).SerdeInfo?.SerializationLibrary).toBe(
      'com.amazon.emr.hive.serde.CloudTrailSerde',
    );
    expect((await sd(cloudtrail.rawTable)).InputFormat).toBe(
      'com.amazon.emr.cloudtrail.CloudTrailInputFormat',
    );
    expect((await sd(cloudwatch.rawTable)).SerdeInfo?.SerializationLibrary).toBe(
      'org.openx.data.jsonserde.JsonSerDe',
    );
    expect((await sd(cloudwatch.rawTable)).InputFormat).toBe('org.apache.hadoop.mapred.TextInputFormat');
    const table = await catalog.getTable(DB, 'from_test_readready');
    expect(table?.columns.map((c) => `${c.name}:${c.type}`)).toEqual([
      'eventtime:timestamp',
      'n:bigint',
      'ok:boolean',
      'extra:double',
    ]);
    expect(table?.format).toBe('parquet');
    expect(
      (await catalog.getTable(DB, cloudtrail.rawTable))?.columns.find((c) => c.name === 'useridentity')?.type,
    ).toMatch(/^struct</);
    expect((await catalog.listTables(DB)).map((t) => t.name)).toContain(cloudwatch.rawTable);
    expect(await catalog.getTable(DB, 'nope')).toBeUndefined();
  });

  it('treats the partition index moto cannot create as a logged no-op', async () => {
    // act
    await catalog.ensureTable(readready);
    // assess
    expect(warnings).toEqual(['partition index not created; the table works without it']);
    expect(await catalog.getTable(DB, readready.name)).toBeDefined();
  });

  it('registers partitions in chunks of 100, existing ones as success, copying the table storage descriptor', async () => {
    // prepare
    await catalog.ensureTable(readready);
    await catalog.createPartitions(DB, readready.name, days(5));
    // act
    const result = await catalog.createPartitions(DB, readready.name, [...days(250), ...days(3)]);
    // assess
    expect(result).toMatchObject({ created: 245, existing: 8, failed: [], writeCalls: 3 });
    const p = await clients.glue.send(
      new GetPartitionCommand({
        DatabaseName: DB,
        TableName: readready.name,
        PartitionValues: ['2026-01-10'],
      }),
    );
    expect(p.Partition?.StorageDescriptor?.Location).toBe(
      's3://rr/from_test_readready/calendarday=2026-01-10/',
    );
    expect(p.Partition?.StorageDescriptor?.SerdeInfo?.SerializationLibrary).toBe(
      GLUE_FORMATS.parquet.SerdeInfo.SerializationLibrary,
    );
    expect(p.Partition?.StorageDescriptor?.Columns?.map((c) => c.Name)).toEqual(['eventtime', 'n', 'ok']);
    expect(await catalog.listPartitions(DB, readready.name)).toHaveLength(250);
  });

  it('retries throttling and concurrent modification, whole-call and per entry, until success', async () => {
    // prepare
    await catalog.ensureTable(readready);
    const faults: ReturnType<Fault>[] = ['throttle', 'cme', 'entry-cme', 'entry-cme'];
    const state = injectFaults(clients.glue, (_input, call) => faults[call - 1]);
    // act
    const result = await catalog.createPartitions(DB, readready.name, days(3));
    // assess
    expect(state.inputs).toHaveLength(5);
    expect(result).toMatchObject({ created: 3, existing: 0, failed: [], writeCalls: 5 });
    const listed = await clients.glue.send(
      new GetPartitionsCommand({ DatabaseName: DB, TableName: readready.name }),
    );
    expect(listed.Partitions?.map((p) => p.Values?.[0]).sort()).toEqual([
      '2026-01-01',
      '2026-01-02',
      '2026-01-03',
    ]);
  });

  it('fails only the entry that keeps failing; the rest of its chunk is registered', async () => {
    // prepare
    await catalog.ensureTable(readready);
    const limited = new GlueCatalog(clients.glue, { baseDelayMs: 1, maxAttempts: 3, warn: () => {} });
    const isVictim = (values: string[]) => values[0] === '2026-01-02';
    injectFaults(
      clients.glue,
      (input) => (input.PartitionInputList!.some((p) => isVictim(p.Values!)) ? 'entry-cme' : undefined),
      isVictim,
    );
    // act
    const result = await limited.createPartitions(DB, readready.name, days(4));
    // assess
    expect(result.created).toBe(3);
    expect(result.failed.map((f) => f.values)).toEqual([['2026-01-02']]);
    expect(result.failed[0]?.error).toBeInstanceOf(CatalogError);
    expect(result.failed[0]?.error.message).toContain('ConcurrentModificationException');
    expect(result.writeCalls).toBe(3);
    expect((await catalog.listPartitions(DB, readready.name)).map((p) => p.values[0])).toEqual([
      '2026-01-01',
      '2026-01-03',
      '2026-01-04',
    ]);
  });

  it('reports every partition of a call that fails for good, without throwing', async () => {
    // prepare
    await catalog.ensureTable(readready);
    injectFaults(clients.glue, () => 'fail');
    // act
    const result = await catalog.createPartitions(DB, readready.name, days(2));
    // assess
    expect(result.created).toBe(0);
    expect(result.failed.map((f) => f.values[0])).toEqual(['2026-01-01', '2026-01-02']);
    expect(result.writeCalls).toBe(1);
  });

  it('points a partition at a new location, keeping the storage descriptor', async () => {
    // prepare
    await catalog.ensureTable(readready);
    await catalog.createPartitions(DB, readready.name, days(1));
    // act
    await catalog.updatePartitionLocation(
      DB,
      readready.name,
      ['2026-01-01'],
      's3://rr/gen-2/calendarday=2026-01-01/',
    );
    // assess
    const [p] = await catalog.listPartitions(DB, readready.name);
    expect(p).toEqual({ values: ['2026-01-01'], location: 's3://rr/gen-2/calendarday=2026-01-01/' });
    const raw = await clients.glue.send(
      new BatchCreatePartitionCommand({
        DatabaseName: DB,
        TableName: readready.name,
        PartitionInputList: [{ Values: ['2026-01-01'] }],
      }),
    );
    expect(raw.Errors?.[0]?.ErrorDetail?.ErrorCode).toBe('AlreadyExistsException');
  });

  it('readready table definitions of the built-in sources register on Glue', async () => {
    // prepare
    const sources = await loadSources();
    // act
    for (const s of sources)
      await catalog.ensureTable(readreadyTableDef(s, DB, `s3://rr/${s.readreadyTable}/`));
    // assess
    const tables = await catalog.listTables(DB);
    expect(tables.filter((t) => t.format === 'parquet').map((t) => t.name)).toEqual(
      sources.map((s) => s.readreadyTable).sort(),
    );
  });
});
