import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SourceDefinition } from '../../sources/loader.ts';
import type { LoglakeConfig } from '../config.ts';
import { transformThreads } from '../duckThreads.ts';
import { openDuckDB } from '../embedded/duckdbFile.ts';
import { ConfigError } from '../errors.ts';
import { ensureTables, type Lake, refreshLiveConfig } from '../lake.ts';
import { LIVE_CONFIG_KEY, LiveConfigStore } from '../liveConfig.ts';
import { removeScratch } from '../scratch.ts';
import { AthenaQueryEngine } from './athenaQueryEngine.ts';
import { ensureAthenaViews } from './athenaViews.ts';
import { type AwsClients, createAwsClients, destroyAwsClients } from './awsClients.ts';
import { GlueCatalog, type GlueCatalogOptions } from './glueCatalog.ts';
import { QueueLedger, type QueueLedgerOptions } from './queueLedger.ts';
import { S3ObjectStore } from './s3ObjectStore.ts';
import { awsSourceStores } from './sourceStores.ts';
import { SqsQueue } from './sqsQueue.ts';

/** Options of {@link openAwsLake}, for tests and tools; production needs none. */
export interface OpenAwsLakeOptions {
  /** SDK clients to use instead of new ones (tests add fault-injecting middleware to them). */
  clients?: Partial<AwsClients>;
  glue?: GlueCatalogOptions;
  ledger?: QueueLedgerOptions;
  /** Skip creating the database and tables (a caller that knows they exist). Default false. */
  skipEnsureTables?: boolean;
}

/**
 * Opens the lake on AWS: S3 buckets for raw, readready and quarantine (control is the `_loglake/`
 * prefix of the readready bucket), the Glue catalog, SQS for notifications and the ledger's
 * transform queue, Athena for queries, and an in-memory DuckDB that writes the Parquet.
 */
export async function openAwsLake(
  config: LoglakeConfig,
  sources: SourceDefinition[],
  opts: OpenAwsLakeOptions = {},
): Promise<Lake> {
  const aws = config.aws;
  if (aws === undefined) {
    throw new ConfigError(
      'missing setting aws.region (env LOGLAKE_AWS_REGION): mode is aws but no aws settings are given',
      {
        setting: 'aws',
      },
    );
  }
  if (aws.queues.transform === undefined) {
    throw new ConfigError(
      'missing setting aws.queues.transform (env LOGLAKE_TRANSFORM_QUEUE_URL): the AWS ledger needs it',
      {
        setting: 'aws.queues.transform',
        env: 'LOGLAKE_TRANSFORM_QUEUE_URL',
      },
    );
  }
  const made = createAwsClients(aws);
  const clients: AwsClients = { ...made, ...opts.clients };
  const { buckets } = aws;
  const controlPrefix =
    aws.controlPrefix === '' || aws.controlPrefix.endsWith('/') ? aws.controlPrefix : `${aws.controlPrefix}/`;
  const owner = { expectedBucketOwner: buckets.expectedOwner };
  const readready = new S3ObjectStore(clients.s3, { bucket: buckets.readready, ...owner });
  const control = new S3ObjectStore(clients.s3, {
    bucket: buckets.readready,
    prefix: controlPrefix,
    ...owner,
  });
  const sources3 = awsSourceStores(aws, clients.s3);
  const catalog = new GlueCatalog(clients.glue, opts.glue);
  const live = liveConfigLocation(aws.liveConfigUri);
  const liveStore = live ? new S3ObjectStore(clients.s3, { bucket: live.bucket }) : control;
  const queue = new SqsQueue(clients.sqs, { queueUrl: aws.queues.notifications });
  const ledger = new QueueLedger(new SqsQueue(clients.sqs, { queueUrl: aws.queues.transform }), control, {
    maxAttempts: config.transform.maxAttempts,
    legacyBucket: buckets.raw,
    ...opts.ledger,
  });
  const tmpDir = await mkdtemp(join(tmpdir(), 'loglake-'));
  // An in-memory DuckDB spills to `.tmp` in the working folder by default, which Lambda cannot write.
  const { instance, connection } = await openDuckDB(':memory:', {
    threads: String(transformThreads(config)),
    memory_limit: '1GB',
    temp_directory: join(tmpDir, 'duckdb'),
  });
  let viewsReady: Promise<unknown> | undefined;
  const lake: Lake = {
    config,
    sources,
    rawBucket: buckets.raw,
    raw: new S3ObjectStore(clients.s3, { bucket: buckets.raw, ...owner }),
    sourceStores: sources3.stores,
    readready,
    quarantine: new S3ObjectStore(clients.s3, { bucket: buckets.quarantine, ...owner }),
    control,
    catalog,
    ledger,
    queue,
    duck: connection,
    connectDuck: () => instance.connect(),
    tmpDir,
    filter: {
      ...config.filter,
      // Recursion guard: nothing in the readready bucket (control included) or quarantine is raw.
      guard: [
        { bucket: buckets.readready, prefix: '' },
        { bucket: buckets.quarantine, prefix: '' },
      ],
      buckets: sources3.stores.policy(),
    },
    live: new LiveConfigStore(
      liveStore,
      live ? live.key : LIVE_CONFIG_KEY,
      { sources, filter: config.filter },
      { ttlSeconds: config.liveConfig.ttlSeconds },
    ),
    rawLocation: (bucket, prefix) => `s3://${bucket}/${prefix}`,
    openQueryEngine: async () => {
      const engine = new AthenaQueryEngine(clients.athena, {
        database: config.database,
        workgroup: aws.athena.workgroup,
        outputLocation: aws.athena.outputLocation,
      });
      // The shared views, created in Athena by whatever queries first (the transform and addapart
      // functions never do, so they need no Athena permissions); once per lake, retried on failure.
      viewsReady ??= catalog
        .listTables(config.database)
        .then((tables) =>
          ensureAthenaViews(
            engine,
            clients.glue,
            config.database,
            tables.map((t) => t.name),
          ),
        )
        .catch((err: unknown) => {
          viewsReady = undefined;
          throw err;
        });
      await viewsReady;
      return engine;
    },
    close: async () => {
      connection.closeSync();
      instance.closeSync();
      await removeScratch(tmpDir);
      destroyAwsClients(made);
      for (const c of sources3.clients) c.destroy();
    },
  };
  if (!opts.skipEnsureTables) await ensureTables(lake);
  await refreshLiveConfig(lake);
  return lake;
}

/** Bucket and key of `s3://<bucket>/<key>` (`LOGLAKE_LIVE_CONFIG_URI`). */
function liveConfigLocation(uri: string | undefined): { bucket: string; key: string } | undefined {
  const m = uri === undefined ? null : /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  return m ? { bucket: m[1]!, key: m[2]! } : undefined;
}
