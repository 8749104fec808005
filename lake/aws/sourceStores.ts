import { S3Client } from '@aws-sdk/client-s3';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { AwsConfig } from '../config.ts';
import { readOnlyView, type SourceBucket, SourceStores } from '../sourceStores.ts';
import { S3ObjectStore } from './s3ObjectStore.ts';

/** What {@link awsSourceStores} built: the stores, and the clients it made (to destroy on close). */
export interface AwsSourceStores {
  stores: SourceStores;
  /** S3 clients made for assumed roles, one per role. */
  clients: S3Client[];
}

/**
 * The S3 source stores of a lake: loglake's own raw bucket (owned by `buckets.expectedOwner` when
 * set) and every `sourceBuckets` entry, each with `ExpectedBucketOwner` on every call. A bucket
 * with a `readRoleArn` is read with that role's temporary credentials (STS AssumeRole, refreshed
 * before they expire); one client per distinct role. Each store is a read-only view.
 */
export function awsSourceStores(aws: AwsConfig, ownClient: S3Client): AwsSourceStores {
  const byRole = new Map<string, S3Client>();
  const clientFor = (roleArn: string | undefined): S3Client => {
    if (roleArn === undefined) return ownClient;
    let client = byRole.get(roleArn);
    if (client === undefined) {
      const common = { region: aws.region, ...(aws.endpoint ? { endpoint: aws.endpoint } : {}) };
      client = new S3Client({
        ...common,
        forcePathStyle: aws.endpoint !== undefined,
        credentials: fromTemporaryCredentials({
          params: { RoleArn: roleArn, RoleSessionName: 'loglake-read', DurationSeconds: 3600 },
          clientConfig: common,
        }),
      });
      byRole.set(roleArn, client);
    }
    return client;
  };
  const buckets: SourceBucket[] = [];
  const raw = aws.sourceBuckets.find((b) => b.bucket === aws.buckets.raw);
  if (raw === undefined) {
    const store = new S3ObjectStore(ownClient, {
      bucket: aws.buckets.raw,
      expectedBucketOwner: aws.buckets.expectedOwner,
    });
    buckets.push({
      bucket: aws.buckets.raw,
      expectedOwner: aws.buckets.expectedOwner,
      store: readOnlyView(store),
    });
  }
  for (const b of aws.sourceBuckets) {
    const store = new S3ObjectStore(clientFor(b.readRoleArn), {
      bucket: b.bucket,
      expectedBucketOwner: b.expectedOwner,
    });
    buckets.push({
      bucket: b.bucket,
      sources: b.sources,
      expectedOwner: b.expectedOwner,
      store: readOnlyView(store),
    });
  }
  return { stores: new SourceStores(buckets), clients: [...byRole.values()] };
}
