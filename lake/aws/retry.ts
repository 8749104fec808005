/** Options of {@link withRetry}; every field has a default. */
export interface RetryOptions {
  /** Attempts in all, the first included. Default 6. */
  maxAttempts?: number;
  /** Delay cap of the first retry, doubled for each later one. Default 100 ms. */
  baseDelayMs?: number;
  /** Largest delay cap. Default 5 s. */
  maxDelayMs?: number;
  /** Waits; tests pass a fake. Default `setTimeout`. */
  sleep?: (ms: number) => Promise<void>;
  /** A number in [0, 1); tests pass a fixed one. Default `Math.random`. */
  random?: () => number;
}

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Delay before retry number `attempt` (1 for the first retry): "full jitter" exponential backoff,
 * a uniform draw from zero to `min(maxDelay, base × 2^(attempt-1))`, so many clients retrying
 * together spread out instead of colliding again.
 */
export function backoffDelay(attempt: number, opts: RetryOptions = {}): number {
  const { baseDelayMs = 100, maxDelayMs = 5000, random = Math.random } = opts;
  const cap = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * cap);
}

/**
 * Runs `fn` until it succeeds, the error is not retryable, or `maxAttempts` is used up; the last
 * error is rethrown. `fn` gets the attempt number (1-based).
 */
export async function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  isRetryable: (err: unknown) => boolean,
  opts: RetryOptions = {},
): Promise<T> {
  const { maxAttempts = 6, sleep: wait = sleep } = opts;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (attempt >= maxAttempts || !isRetryable(err)) throw err;
      await wait(backoffDelay(attempt, opts));
    }
  }
}
