import type { Prng } from './prng.ts';

/** One entry of `logEvents` in a CloudWatch Logs subscription envelope. */
export interface LogEvent {
  id: string;
  timestamp: number;
  message: string;
}

/**
 * The ids of log events delivered together, in order: 56 decimal digits, as CloudWatch Logs writes
 * them. An id is the event's time in milliseconds above its low 144 bits, and the events of one
 * delivery count up from a random start in those bits: AWS's own example ids decode so (the time
 * above bit 144, consecutive ids for consecutive events), so ids share leading digits like real
 * ones instead of being 56 random digits.
 */
export function logEventIds(rng: Prng, timestamps: readonly number[]): string[] {
  const start = BigInt(`0x${rng.hex(30)}`);
  return timestamps.map((ms, i) => ((BigInt(ms) << 144n) + start + BigInt(i)).toString());
}

/** The JSON text of a `DATA_MESSAGE` envelope. */
export function dataEnvelope(
  owner: string,
  logGroup: string,
  logStream: string,
  subscriptionFilter: string,
  logEvents: readonly LogEvent[],
): string {
  return JSON.stringify({
    messageType: 'DATA_MESSAGE',
    owner,
    logGroup,
    logStream,
    subscriptionFilters: [subscriptionFilter],
    logEvents,
  });
}

/** The JSON text of the `CONTROL_MESSAGE` CloudWatch Logs sends to check that a destination works. */
export function controlEnvelope(ms: number): string {
  return JSON.stringify({
    messageType: 'CONTROL_MESSAGE',
    owner: 'CloudwatchLogs',
    logGroup: '',
    logStream: '',
    subscriptionFilters: [],
    logEvents: [
      { id: '', timestamp: ms, message: 'CWL CONTROL MESSAGE: Checking health of destination Firehose.' },
    ],
  });
}
