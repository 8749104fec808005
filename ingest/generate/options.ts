import { Prng } from './prng.ts';
import { DAY_MS } from './time.ts';
import type { GenerateOptions } from './types.ts';

/** {@link GenerateOptions} with every default filled in and every value checked. */
export interface ResolvedOptions {
  accounts: number;
  days: number;
  sessions: number;
  seed: number;
  /** Midnight UTC of the first day, in epoch milliseconds. */
  startMs: number;
  regions: readonly string[];
  orgId: string;
  badFiles: boolean;
  extraFiller: number;
  targetBytesPerSource: number;
  firehosePrefix: string;
  cloudtrailPrefix: string;
  sessionLogGroup: string;
}

/** Fills in defaults; throws a `RangeError` naming the option when a value cannot work. */
export function resolveOptions(opts: GenerateOptions = {}): ResolvedOptions {
  const {
    accounts = 3,
    days = 2,
    sessions = 10,
    seed = 1,
    startDate = '2026-11-01',
    regions = ['eu-west-1', 'us-east-1'],
    orgId,
    badFiles = true,
    extraFiller = 0,
    targetBytesPerSource = 0,
    firehosePrefix = 'cloudwatch/sessionlogs',
    cloudtrailPrefix = 'cloudtrail',
    sessionLogGroup = '/aws/ssm/sessionlogs',
  } = opts;
  integer('accounts', accounts, 1, 1000);
  integer('days', days, 1, 3660);
  integer('sessions', sessions, 0, 10_000_000);
  integer('seed', seed, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(startDate) || Number.isNaN(Date.parse(`${startDate}T00:00:00Z`))) {
    throw new RangeError(`startDate must be YYYY-MM-DD, got ${JSON.stringify(startDate)}`);
  }
  if (regions.length === 0) throw new RangeError('regions must name at least one region');
  if (!(extraFiller >= 0 && Number.isFinite(extraFiller))) {
    throw new RangeError(`extraFiller must be a finite number >= 0, got ${extraFiller}`);
  }
  if (!(targetBytesPerSource >= 0 && Number.isFinite(targetBytesPerSource))) {
    throw new RangeError(`targetBytesPerSource must be a finite number >= 0, got ${targetBytesPerSource}`);
  }
  const startMs = Date.parse(`${startDate}T00:00:00Z`);
  return {
    accounts,
    days,
    sessions,
    seed,
    startMs,
    regions: [...regions],
    orgId: orgId ?? deriveOrgId(seed),
    badFiles,
    extraFiller,
    targetBytesPerSource,
    firehosePrefix: trimSlashes(firehosePrefix),
    cloudtrailPrefix: trimSlashes(cloudtrailPrefix),
    sessionLogGroup,
  };
}

/** Start of day `day` (0-based) in epoch milliseconds. */
export function dayStartMs(options: ResolvedOptions, day: number): number {
  return options.startMs + day * DAY_MS;
}

function deriveOrgId(seed: number): string {
  return `o-${new Prng(seed, 'org').chars(10, 'abcdefghijklmnopqrstuvwxyz0123456789')}`;
}

// A trailing slash would double the separator in every key; the one deliberate `//` is added on purpose.
function trimSlashes(prefix: string): string {
  return prefix.replace(/^\/+|\/+$/g, '');
}

function integer(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer from ${min} to ${max}, got ${value}`);
  }
}
