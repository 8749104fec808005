import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetPartitionCommand } from '@aws-sdk/client-glue';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compactPartition } from '../../compact/index.ts';
import type { AwsClients } from '../../lake/aws/awsClients.ts';
import { literalFilePath } from '../../lake/duckPaths.ts';
import type { Lake } from '../../lake/lake.ts';
import type { Catalog } from '../../lake/ports.ts';
import { transformContext } from '../../transform/runTransform.ts';
import { CT, catalogFiles, DAY, overriding, publishFile } from '../compact/helpers.ts';
import { BUCKETS, openMotoLake } from './motoFixture.ts';

const SORT = ['eventname', 'eventsource', 'eventtime'];

let lake: Lake;
let clients: AwsClients;
beforeEach(async () => {
  ({ lake, clients } = await openMotoLake({
    config: { transform: { maxFiles: 100, maxBytes: 1e9, workers: 1, writerThreads: 1 } },
    lake: { glue: { warn: () => {} } },
  }));
});
afterEach(async () => lake.close());

async function glueLocation(): Promise<string | undefined> {
  const out = await clients.glue.send(
    new GetPartitionCommand({ DatabaseName: lake.config.database, TableName: CT, PartitionValues: [DAY] }),
  );
  return out.Partition?.StorageDescriptor?.Location;
}

/** Downloads the catalog's files of the partition and counts rows and distinct event ids. */
async function counts() {
  const keys = await catalogFiles(lake);
  const dir = await mkdtemp(join(tmpdir(), 'loglake-compact-aws-'));
  try {
    const paths = [];
    for (const [i, key] of keys.entries()) {
      const path = join(dir, `${i}.parquet`);
      await writeFile(path, await lake.readready.get(key));
      paths.push(literalFilePath(path));
    }
    const reader = await lake.duck.runAndReadAll(
      `SELECT count(*)::INTEGER, count(DISTINCT eventid)::INTEGER FROM read_parquet([${paths.join(', ')}])`,
    );
    const [rows, distinct] = reader.getRows()[0]!.map(Number);
    return { files: keys.length, rows, distinct };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('compaction on S3 and Glue (moto)', () => {
  it('switches the Glue partition to the new generation and carries a late file over', async () => {
    for (const n of [10, 20, 30]) await publishFile(lake, n);
    expect(await glueLocation()).toBe(`s3://${BUCKETS.readready}/${CT}/calendarday=${DAY}/`);
    const racing: Catalog = overriding(lake.catalog, {
      updatePartitionLocation: async (...args: Parameters<Catalog['updatePartitionLocation']>) => {
        await publishFile(lake, 5);
        return lake.catalog.updatePartitionLocation(...args);
      },
    });
    const r = await compactPartition({ ...transformContext(lake), catalog: racing }, CT, DAY, SORT, {
      graceMs: 0,
    });
    expect(r).toMatchObject({ action: 'compacted', generation: 1, filesBefore: 3, rows: 60 });
    expect(r.carried).toHaveLength(1);
    expect(await glueLocation()).toBe(`s3://${BUCKETS.readready}/${CT}/calendarday=${DAY}/gen=1/`);
    expect(await counts()).toEqual({ files: 2, rows: 65, distinct: 65 });
    // After the switch transform publishes into the new generation, which Glue names.
    await publishFile(lake, 7);
    expect(await counts()).toEqual({ files: 3, rows: 72, distinct: 72 });
    const gc = await compactPartition(transformContext(lake), CT, DAY, SORT, { graceMs: 0, gcOnly: true });
    expect(gc.gc).toMatchObject({ state: 'collected', deleted: 4, carried: [] });
    const left = [];
    for await (const o of lake.readready.list(`${CT}/`)) left.push(o.key.slice(CT.length + 1));
    expect(left.filter((k) => !k.includes('/gen=1/'))).toEqual([]);
    expect(await counts()).toEqual({ files: 3, rows: 72, distinct: 72 });
  });
});
