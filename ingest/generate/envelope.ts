import type { Prng } from './prng.ts';

/** One entry of `logEvents` in a CloudWatch Logs subscription envelope. */
export interface LogEvent {
  id: string;
  timestamp: number;
  message: string;
}

/** A CloudWatch log event id: 56 decimal digits, as CloudWatch Logs writes them. */
export function logEventId(rng: Prng): string {
  return `3${rng.digits(55)}`;
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
