import { AthenaClient } from '@aws-sdk/client-athena';
import { GlueClient } from '@aws-sdk/client-glue';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { AwsConfig } from '../config.ts';

/** The SDK clients of one lake. */
export interface AwsClients {
  s3: S3Client;
  glue: GlueClient;
  sqs: SQSClient;
  athena: AthenaClient;
}

/**
 * Creates the SDK v3 clients from the `aws` settings. Credentials come from the SDK's default chain
 * (environment, shared profile, container or instance role). An endpoint override (moto in tests, a
 * VPC endpoint) applies to every client, and S3 then uses path-style addressing.
 */
export function createAwsClients(aws: AwsConfig): AwsClients {
  const common = { region: aws.region, ...(aws.endpoint ? { endpoint: aws.endpoint } : {}) };
  return {
    s3: new S3Client({ ...common, forcePathStyle: aws.endpoint !== undefined }),
    glue: new GlueClient(common),
    sqs: new SQSClient(common),
    athena: new AthenaClient(common),
  };
}

/** Closes the clients' connection pools. */
export function destroyAwsClients(clients: AwsClients): void {
  clients.s3.destroy();
  clients.glue.destroy();
  clients.sqs.destroy();
  clients.athena.destroy();
}
