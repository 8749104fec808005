import { gzipSync } from 'node:zlib';

/** A CloudWatch Logs subscription DATA_MESSAGE envelope, as Firehose receives it. */
export function dataMessage(opts: {
  owner?: string;
  logGroup?: string;
  logStream: string;
  events: { id: string; timestamp: number; message: string }[];
}): string {
  return JSON.stringify({
    messageType: 'DATA_MESSAGE',
    owner: opts.owner ?? '111122223333',
    logGroup: opts.logGroup ?? '/aws/ssm/sessionlogs',
    logStream: opts.logStream,
    subscriptionFilters: ['ssm-to-firehose'],
    logEvents: opts.events,
  });
}

/** The CONTROL_MESSAGE CloudWatch Logs sends to check a destination. */
export function controlMessage(timestamp: number): string {
  return JSON.stringify({
    messageType: 'CONTROL_MESSAGE',
    owner: 'CloudwatchLogs',
    logGroup: '',
    logStream: '',
    subscriptionFilters: [],
    logEvents: [
      { id: '', timestamp, message: 'CWL CONTROL MESSAGE: Checking health of destination Firehose.' },
    ],
  });
}

/** A Session Manager session log message (the SSM agent's JSON), as a string. */
export function sessionMessage(sessionId: string, eventTime: string, lines: string[]): string {
  return JSON.stringify({
    eventVersion: '1.0',
    eventTime,
    awsRegion: 'eu-west-1',
    source: 'aws.ssm',
    eventName: 'SessionLogEvent',
    awsAccountId: '111122223333',
    target: { id: 'i-0abc1234def567890' },
    userIdentity: {
      arn: 'arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_AdministratorAccess_0123456789abcdef/user03@example.com',
    },
    runAsUser: 'ssm-user',
    sessionId,
    sessionData: lines,
  });
}

/** A multi-member gzip file: each part gzipped on its own, then concatenated, as Firehose writes. */
export function multiMemberGzip(parts: string[]): Buffer {
  return Buffer.concat(parts.map((p) => gzipSync(p)));
}
