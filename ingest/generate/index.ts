/**
 * Deterministic generator of realistic raw log data: CloudTrail log files and Firehose-delivered
 * CloudWatch Logs (Session Manager) files, with the odd objects and broken files real buckets hold.
 * Tests, the demo and the benchmarks all build their data with it.
 */
export { generate } from './generate.ts';
export { generateToDirectory } from './generateToDirectory.ts';
export type { GeneratedFile, GeneratedManifest, GeneratedSession, GenerateOptions } from './types.ts';
