import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { keyFilterSchema } from '../sources/schema.ts';
import { ConfigError } from './errors.ts';

/**
 * The decoders a transform can run (`transform.engine`, `--engine`): each has its implementation in
 * `transform/decoders/` (a registry keyed by this list, so the two cannot drift apart).
 */
export const TRANSFORM_ENGINES = ['duckdb', 'js'] as const;
/** One of {@link TRANSFORM_ENGINES}. */
export type TransformEngine = (typeof TRANSFORM_ENGINES)[number];

const listFilter = z
  .object({ allow: z.array(z.string()).optional(), deny: z.array(z.string()).optional() })
  .strict();

/** A 12-digit AWS account id. */
const accountId = z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id');

/**
 * A bucket that loglake reads raw files from but never writes to: an existing CloudTrail or Firehose
 * bucket, possibly in another account.
 */
const sourceBucketSchema = z
  .object({
    bucket: z.string().min(3),
    /** The account that must own the bucket: sent as `ExpectedBucketOwner` on every S3 call. */
    expectedOwner: accountId,
    /** Source names expected in this bucket; default all. A key of another source is skipped. */
    sources: z.array(z.string().min(1)).min(1).optional(),
    /** A role to assume for reading (cross-account); default the lake's own credentials. */
    readRoleArn: z
      .string()
      .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, 'must be an IAM role ARN')
      .optional(),
  })
  .strict();

const awsSchema = z
  .object({
    region: z.string().min(1),
    /** Endpoint override: moto on loopback in tests, or a VPC endpoint. */
    endpoint: z.string().url().optional(),
    buckets: z
      .object({
        raw: z.string().min(3),
        readready: z.string().min(3),
        quarantine: z.string().min(3),
        /** The account owning loglake's own buckets (the stack's): sent as `ExpectedBucketOwner` when set. */
        expectedOwner: accountId.optional(),
      })
      .strict(),
    /** Existing buckets holding raw files (read only; any account). `buckets.raw` is always one too. */
    sourceBuckets: z
      .array(sourceBucketSchema)
      .default([])
      .superRefine((list, ctx) => {
        const seen = new Set<string>();
        list.forEach((b, i) => {
          if (seen.has(b.bucket))
            ctx.addIssue({ code: 'custom', path: [i, 'bucket'], message: `bucket ${b.bucket} listed twice` });
          seen.add(b.bucket);
        });
      }),
    /** Prefix in the readready bucket for run manifests and the landing ledger. */
    controlPrefix: z.string().default('_loglake/'),
    queues: z.object({ notifications: z.string().url(), transform: z.string().url().optional() }).strict(),
    /** The live configuration object, `s3://<bucket>/<key>`. Default `<controlPrefix>config/live.json` in the readready bucket. */
    liveConfigUri: z
      .string()
      .regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/.+$/, 'must be s3://<bucket>/<key>')
      .optional(),
    athena: z
      .object({ workgroup: z.string().default('primary'), outputLocation: z.string().optional() })
      .strict()
      .default({ workgroup: 'primary' }),
  })
  .strict();

/** Session review (api/): who reviews whom, and how callers are authenticated. */
const reviewSchema = z
  .object({
    /** Directory file (JSON or CSV, see docs/REVIEW.md). Default `<embedded dir>/review/directory.json`. */
    directoryFile: z.string().optional(),
    /** A lake table with `identity` and `manager` columns, read instead of the file. */
    directoryTable: z
      .string()
      .regex(/^[a-z_][a-z0-9_]*$/)
      .optional(),
    /** Managers also see their reports' reports. */
    transitive: z
      .preprocess((v) => (v === 'true' ? true : v === 'false' ? false : v), z.boolean())
      .default(false),
    /** Minutes before a session's start from which the principal's API calls are shown as context. */
    contextWindowMinutes: z.number().int().min(0).max(1440).default(60),
    /** Token issuer and audience; unset in embedded mode means the local signing key's. */
    issuer: z.string().optional(),
    audience: z.string().optional(),
    /** The issuer's JWKS; unset in embedded mode means the local signing key. */
    jwksUri: z.string().url().optional(),
  })
  .strict();

export const configSchema = z
  .object({
    mode: z.enum(['embedded', 'aws']).default('embedded'),
    /** Catalog database (Glue database on AWS). */
    database: z
      .string()
      .regex(/^[a-z_][a-z0-9_]*$/)
      .default('loglake'),
    /** Folders of extra source definitions (YAML/JSON), loaded after the built-in ones. */
    sourcesDirs: z.array(z.string()).default([]),
    /**
     * Per source name: a priority and key filters added to its definition, to narrow a built-in
     * without copying it (e.g. `cloudwatch` to the Firehose streams that carry CloudWatch Logs).
     */
    sourceOverrides: z
      .record(
        z.string(),
        z
          .object({ priority: z.number().int().optional(), key_filters: z.array(keyFilterSchema).optional() })
          .strict(),
      )
      .default({}),
    filter: z
      .object({
        accounts: listFilter.optional(),
        regions: listFilter.optional(),
        prefixes: listFilter.optional(),
      })
      .strict()
      .default({}),
    transform: z
      .object({
        maxFiles: z.number().int().positive().default(1000),
        maxBytes: z
          .number()
          .int()
          .positive()
          .default(512 * 1024 * 1024),
        prefetch: z.number().int().positive().default(8),
        /** Parallelism: lanes of the `duckdb` engine (chunks decoded side by side, one DuckDB connection each), worker threads of `js`; 1 decodes one chunk at a time. */
        workers: z.number().int().positive().default(1),
        /** DuckDB threads of transform (the SQL engine and the Parquet writer); 0 sizes them beside the lanes: cores − workers + 1 (lake/duckThreads.ts). Queries get every core. */
        writerThreads: z.number().int().min(0).default(0),
        /** Which decoder does the bulk (transform/decoders/): `duckdb`, SQL generated from the source definitions; `js`, the JavaScript decoder. */
        engine: z.enum(TRANSFORM_ENGINES).default('duckdb'),
        /** Tries of a failed batch before it is split in two, or (one file) set aside for `loglake replay`. */
        maxAttempts: z.number().int().positive().default(3),
      })
      .strict()
      .default({
        maxFiles: 1000,
        maxBytes: 512 * 1024 * 1024,
        prefetch: 8,
        workers: 1,
        writerThreads: 0,
        engine: 'duckdb',
        maxAttempts: 3,
      }),
    /** Live configuration (filter and extra sources, published by `loglake config push`). */
    liveConfig: z
      .object({ ttlSeconds: z.coerce.number().int().min(0).default(60) })
      .strict()
      .default({ ttlSeconds: 60 }),
    embedded: z
      .object({
        dir: z.string().default('.loglake'),
        /** Extra local folders standing in for other source buckets (read only), named as notifications name them. */
        sourceBuckets: z
          .array(
            z
              .object({
                bucket: z.string().min(1),
                dir: z.string().min(1),
                sources: z.array(z.string().min(1)).min(1).optional(),
              })
              .strict(),
          )
          .default([]),
      })
      .strict()
      .default({ dir: '.loglake', sourceBuckets: [] }),
    aws: awsSchema.optional(),
    review: reviewSchema.default({ transitive: false, contextWindowMinutes: 60 }),
  })
  .strict();

export type LoglakeConfig = z.output<typeof configSchema>;
export type LoglakeConfigInput = z.input<typeof configSchema>;
export type AwsConfig = z.output<typeof awsSchema>;
export type SourceBucketConfig = z.output<typeof sourceBucketSchema>;
export type ReviewConfig = z.output<typeof reviewSchema>;

/** Allow and deny lists; deny wins, an empty or missing allow list allows everything. */
export interface ListFilter {
  allow?: readonly string[];
  deny?: readonly string[];
}

/** A bucket location (bucket plus key prefix) that loglake itself writes to. */
export interface GuardedLocation {
  bucket: string;
  prefix: string;
}

/** The central file-name filter (DESIGN §8): one place decides which raw files count. */
export interface FileFilterConfig {
  accounts?: ListFilter;
  regions?: ListFilter;
  /** Key prefixes (matched on the decoded key). */
  prefixes?: ListFilter;
  /** Recursion guard: keys under these locations (readready, quarantine, control) are never raw. */
  guard?: readonly GuardedLocation[];
  /**
   * The buckets raw files may come from, each with the sources expected there (`undefined`: all).
   * A notification from any other bucket is skipped as `bucket_not_configured`. Unset: any bucket.
   */
  buckets?: ReadonlyMap<string, readonly string[] | undefined>;
}

/** Environment variables that override the file, and the setting each one sets. */
const ENV: [string, string[]][] = [
  ['LOGLAKE_MODE', ['mode']],
  ['LOGLAKE_DATABASE', ['database']],
  ['LOGLAKE_DIR', ['embedded', 'dir']],
  ['AWS_REGION', ['aws', 'region']],
  ['LOGLAKE_AWS_REGION', ['aws', 'region']],
  ['LOGLAKE_ENDPOINT', ['aws', 'endpoint']],
  ['LOGLAKE_RAW_BUCKET', ['aws', 'buckets', 'raw']],
  ['LOGLAKE_READREADY_BUCKET', ['aws', 'buckets', 'readready']],
  ['LOGLAKE_QUARANTINE_BUCKET', ['aws', 'buckets', 'quarantine']],
  ['LOGLAKE_QUEUE_URL', ['aws', 'queues', 'notifications']],
  ['LOGLAKE_TRANSFORM_QUEUE_URL', ['aws', 'queues', 'transform']],
  ['LOGLAKE_ATHENA_WORKGROUP', ['aws', 'athena', 'workgroup']],
  ['LOGLAKE_ATHENA_OUTPUT', ['aws', 'athena', 'outputLocation']],
  ['LOGLAKE_LIVE_CONFIG_URI', ['aws', 'liveConfigUri']],
  ['LOGLAKE_LIVE_CONFIG_TTL_SECONDS', ['liveConfig', 'ttlSeconds']],
  // A number: the transform function's lanes (about one per vCPU of its memory setting).
  ['LOGLAKE_TRANSFORM_WORKERS', ['transform', 'workers']],
  ['LOGLAKE_RAW_BUCKET_OWNER', ['aws', 'buckets', 'expectedOwner']],
  // A JSON array, as in the file: CloudFormation passes the stack's `SourceBuckets` parameter here.
  ['LOGLAKE_SOURCE_BUCKETS', ['aws', 'sourceBuckets']],
  ['LOGLAKE_REVIEW_DIRECTORY_FILE', ['review', 'directoryFile']],
  ['LOGLAKE_REVIEW_DIRECTORY_TABLE', ['review', 'directoryTable']],
  ['LOGLAKE_REVIEW_ISSUER', ['review', 'issuer']],
  ['LOGLAKE_REVIEW_AUDIENCE', ['review', 'audience']],
  ['LOGLAKE_REVIEW_JWKS_URI', ['review', 'jwksUri']],
  ['LOGLAKE_REVIEW_TRANSITIVE', ['review', 'transitive']],
];

/** Settings whose environment variable holds JSON rather than a plain string. */
const JSON_ENV = new Set(['LOGLAKE_SOURCE_BUCKETS', 'LOGLAKE_TRANSFORM_WORKERS']);

/** The environment variables loglake reads its settings from (infra sets these on the functions). */
export const CONFIG_ENV_VARS: readonly string[] = ENV.map(([name]) => name);

const envName = (path: string) => ENV.find(([, p]) => p.join('.') === path)?.[0];

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const step of path.slice(0, -1)) {
    if (typeof node[step] !== 'object' || node[step] === null) node[step] = {};
    node = node[step] as Record<string, unknown>;
  }
  node[path[path.length - 1] as string] = value;
}

/**
 * Loads the configuration: `loglake.config.json` (or the file named by `LOGLAKE_CONFIG` or
 * `file`), then environment overrides, validated with zod. A missing or invalid setting gives a
 * {@link ConfigError} naming the setting and the environment variable that sets it.
 */
export function loadConfig(
  opts: { file?: string; env?: NodeJS.ProcessEnv; cwd?: string; overrides?: LoglakeConfigInput } = {},
): LoglakeConfig {
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  const file = opts.file ?? env.LOGLAKE_CONFIG ?? resolve(cwd, 'loglake.config.json');
  let raw: Record<string, unknown> = {};
  if (existsSync(file)) {
    try {
      raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch (cause) {
      throw new ConfigError(`${file}: not valid JSON: ${(cause as Error).message}`, { file }, { cause });
    }
  } else if (opts.file !== undefined || env.LOGLAKE_CONFIG !== undefined) {
    throw new ConfigError(`config file not found: ${file}`, { file });
  }
  // Environment beats the file; later entries win, so LOGLAKE_AWS_REGION beats AWS_REGION. AWS
  // settings only apply in AWS mode, so a shell with AWS_REGION set still runs embedded.
  for (const [name, path] of ENV) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    if (path[0] === 'aws' && raw.mode !== 'aws') continue;
    if (JSON_ENV.has(name)) {
      try {
        setPath(raw, path, JSON.parse(value));
      } catch (cause) {
        throw new ConfigError(
          `invalid setting ${path.join('.')} (env ${name}): not valid JSON: ${(cause as Error).message}`,
          { setting: path.join('.'), env: name },
          { cause },
        );
      }
      continue;
    }
    setPath(raw, path, value);
  }
  if (opts.overrides) raw = { ...raw, ...opts.overrides };
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.join('.');
    const hint = envName(path);
    const missing = issue.code === 'invalid_type' && issue.input === undefined;
    throw new ConfigError(
      `${missing ? 'missing setting' : 'invalid setting'} ${path}${hint ? ` (env ${hint})` : ''}: ${issue.message}`,
      { setting: path, env: hint },
    );
  }
  const config = parsed.data;
  if (config.mode === 'aws' && config.aws === undefined) {
    throw new ConfigError(
      'missing setting aws.region (env LOGLAKE_AWS_REGION): mode is aws but no aws settings are given',
      {
        setting: 'aws',
      },
    );
  }
  return config;
}
