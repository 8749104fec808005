import type { LoglakeConfig } from '../config.ts';
import { ConfigError } from '../errors.ts';
import type { Lake } from '../lake.ts';
import type { SourceDefinition } from '../../sources/loader.ts';

/** Opens the lake on AWS services (S3, Glue, SQS, Athena). */
export async function openAwsLake(_config: LoglakeConfig, _sources: SourceDefinition[]): Promise<Lake> {
  throw new ConfigError('AWS mode is not built yet');
}
