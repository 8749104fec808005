/** The AWS error name of an SDK exception (`NoSuchKey`, `ThrottlingException`, …), or undefined. */
export function awsErrorName(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const name = (err as { name?: unknown }).name;
  const code = (err as { Code?: unknown }).Code;
  return typeof name === 'string' && name !== 'Error' ? name : typeof code === 'string' ? code : undefined;
}

/** The HTTP status of an SDK exception, when the service answered. */
export function httpStatusOf(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const meta = (err as { $metadata?: { httpStatusCode?: unknown } }).$metadata;
  return typeof meta?.httpStatusCode === 'number' ? meta.httpStatusCode : undefined;
}

/** Whether an SDK exception has one of the given names. */
export function isAwsError(err: unknown, ...names: string[]): boolean {
  const name = awsErrorName(err);
  return name !== undefined && names.includes(name);
}

/** Error names that mean "slow down": retried with backoff. */
export const THROTTLING_ERRORS = [
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'SlowDown',
] as const;
