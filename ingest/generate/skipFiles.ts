import { createHash } from 'node:crypto';
import type { CloudTrailFile } from './cloudtrailFiles.ts';
import { gzip } from './gzip.ts';
import { configWritabilityCheckKey, digestKey, insightKey, type TrailLocation } from './keys.ts';
import { Prng } from './prng.ts';
import { HOUR_MS, isoSeconds, MINUTE_MS } from './time.ts';

/** An object that lands beside the logs but holds no log records: readers skip it. */
export interface SkipFile {
  key: string;
  body: Uint8Array;
}

const TRAIL_NAME = 'org-trail';
const BUCKET = 'loglake-raw-example';

/** A CloudTrail digest listing `logFiles` with the SHA-256 of their content, as log file validation writes. */
export function digestFile(seed: number, at: TrailLocation, logFiles: readonly CloudTrailFile[]): SkipFile {
  const rng = new Prng(seed, 'digest', at.account, at.region);
  const first = logFiles[0]?.deliveredMs ?? 0;
  const last = logFiles.reduce((max, f) => Math.max(max, f.deliveredMs), first);
  const delivered = last + rng.int(1, 30) * MINUTE_MS;
  const key = digestKey(at, TRAIL_NAME, delivered);
  const times = (f: CloudTrailFile): { oldest: string; newest: string } => ({
    oldest: f.records[0]?.eventTime ?? isoSeconds(f.deliveredMs),
    newest: f.records[f.records.length - 1]?.eventTime ?? isoSeconds(f.deliveredMs),
  });
  const digest = {
    awsAccountId: at.account,
    digestStartTime: isoSeconds(delivered - HOUR_MS),
    digestEndTime: isoSeconds(delivered),
    digestS3Bucket: BUCKET,
    digestS3Object: key,
    digestPublicKeyFingerprint: rng.hex(32),
    digestSignatureAlgorithm: 'SHA256withRSA',
    newestEventTime:
      logFiles.length > 0 ? times(logFiles[logFiles.length - 1] as CloudTrailFile).newest : null,
    oldestEventTime: logFiles.length > 0 ? times(logFiles[0] as CloudTrailFile).oldest : null,
    previousDigestS3Bucket: null,
    previousDigestS3Object: null,
    previousDigestHashValue: null,
    previousDigestHashAlgorithm: null,
    previousDigestSignature: null,
    logFiles: logFiles.map((f) => ({
      s3Bucket: BUCKET,
      s3Object: f.key,
      hashValue: createHash('sha256').update(f.raw).digest('hex'),
      hashAlgorithm: 'SHA-256',
      newestEventTime: times(f).newest,
      oldestEventTime: times(f).oldest,
    })),
  };
  return { key, body: gzip(Buffer.from(JSON.stringify(digest))) };
}

/** A CloudTrail Insights file: `{"Records":[…]}` like a log file, but of Insight events. */
export function insightFile(seed: number, at: TrailLocation, dayStart: number): SkipFile {
  const rng = new Prng(seed, 'insight', at.account, at.region);
  const start = dayStart + rng.int(8 * 60, 16 * 60) * MINUTE_MS;
  const record = {
    eventVersion: '1.08',
    eventTime: isoSeconds(start),
    awsRegion: at.region,
    eventID: rng.uuid(),
    eventType: 'AwsCloudTrailInsight',
    recipientAccountId: at.account,
    sharedEventID: rng.uuid(),
    insightDetails: {
      state: 'Start',
      eventSource: 'ssm.amazonaws.com',
      eventName: 'StartSession',
      insightType: 'ApiCallRateInsight',
      insightContext: {
        statistics: {
          baseline: { average: 0.0125 },
          insight: { average: 2.5 },
          insightDuration: 1,
          baselineDuration: 10079,
        },
        attributions: [
          { attribute: 'userIdentityArn', insight: [{ value: 'ops-engineer', average: 2.5 }], baseline: [] },
          { attribute: 'errorCode', insight: [{ value: 'null', average: 2.5 }], baseline: [] },
        ],
      },
    },
    eventCategory: 'Insight',
  };
  const key = insightKey(at, start + 20 * MINUTE_MS, rng.hex(16));
  return { key, body: gzip(Buffer.from(JSON.stringify({ Records: [record] }))) };
}

/** The small object AWS Config writes to test that it may write to the bucket. */
export function configCheckFile(at: TrailLocation): SkipFile {
  return { key: configWritabilityCheckKey(at), body: new Uint8Array(0) };
}
