/** Options of {@link generate}; every field has a default. */
export interface GenerateOptions {
  /** Number of AWS accounts; their 12-digit ids derive from the seed. Default 3. */
  accounts?: number;
  /** Number of consecutive UTC days, starting at `startDate`. Default 2. */
  days?: number;
  /** Number of Session Manager sessions (ssm StartSession events) in the whole data set. Default 10. */
  sessions?: number;
  /** Seed of every random choice; the same seed and options give byte-identical files. Default 1. */
  seed?: number;
  /** First day, `YYYY-MM-DD` in UTC. Default `'2026-11-01'`. */
  startDate?: string;
  /** Regions each account logs in. Default `['eu-west-1', 'us-east-1']`. */
  regions?: string[];
  /** Organization id in the CloudTrail keys (organization trail layout). Default derived from the seed. */
  orgId?: string;
  /** Add the three deliberately bad files (truncated gzip, invalid JSON, unknown envelope). Default true. */
  badFiles?: boolean;
  /**
   * Extra ordinary (non-session) CloudTrail records and non-session CloudWatch log events, as a multiple
   * of the base amount: 0 adds none, 1 doubles them. Default 0.
   */
  extraFiller?: number;
  /** When set, keep adding filler files until each source's uncompressed bytes reach this many bytes. */
  targetBytesPerSource?: number;
  /** Key prefix of the Firehose files. Default `'cloudwatch/sessionlogs'`. */
  firehosePrefix?: string;
  /** Key prefix of the CloudTrail files, before `AWSLogs/`. Default `'cloudtrail'`. */
  cloudtrailPrefix?: string;
  /** Log group of the Session Manager logs. Default `'/aws/ssm/sessionlogs'`. */
  sessionLogGroup?: string;
}

/** One raw object, as it would land in the raw bucket. */
export interface GeneratedFile {
  key: string;
  body: Uint8Array;
  /** `bad` files must be quarantined; `skip` files must be skipped (CloudTrail digests and the like). */
  kind: 'cloudtrail' | 'cloudwatch' | 'bad' | 'skip';
}

/** One Session Manager session: its StartSession event and what its CloudWatch log events hold. */
export interface GeneratedSession {
  sessionId: string;
  account: string;
  region: string;
  principalArn: string;
  sourceIdentity: string | null;
  /** Instance id from `requestParameters.target`. */
  target: string;
  /** `eventTime` of the StartSession event. */
  startTime: string;
  /** CloudWatch log events whose session message carries this session id. */
  logEvents: number;
  /** `sessionData` lines over all those log events. */
  lines: number;
}

/** What a data set holds, for tests and benchmarks to check exact counts against. */
export interface GeneratedManifest {
  seed: number;
  files: { cloudtrail: number; cloudwatch: number; bad: number; skip: number; total: number };
  /** Good files only. */
  bytes: {
    cloudtrail: { compressed: number; uncompressed: number };
    cloudwatch: { compressed: number; uncompressed: number };
  };
  /** Good files only; bad and skipped files add nothing here. */
  events: {
    /** Records in good CloudTrail files. */
    cloudtrailRecords: number;
    /** `logEvents[]` entries of `DATA_MESSAGE` envelopes in good Firehose files, every log group. */
    cloudwatchLogEvents: number;
    /** `CONTROL_MESSAGE` envelopes in good Firehose files. */
    controlMessages: number;
    /** CloudTrail records per `eventName`. */
    byEventName: Record<string, number>;
    /** CloudTrail records whose `errorCode` is exactly `AccessDenied`. */
    accessDenied: number;
  };
  /** One per StartSession event, in the order they were planned. */
  sessions: GeneratedSession[];
  bad: { key: string; kind: 'truncated-gzip' | 'invalid-json' | 'unknown-envelope' }[];
  /** Keys of CloudTrail digest, Insight and `ConfigWritabilityCheckFile` objects. */
  skipped: string[];
}
