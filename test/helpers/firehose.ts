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

/** The session of {@link acceptanceFirehoseFile}. */
export const ACCEPTANCE_SESSION_ID = 'user03-0b7c1cc185ccf51a9';
const SID = ACCEPTANCE_SESSION_ID;
export const ACCEPTANCE_T0 = Date.parse('2026-11-01T08:15:09Z');
const T0 = ACCEPTANCE_T0;

/**
 * The acceptance file of the embedded-pipeline issue: 3 gzip members, 5 concatenated envelopes (one a
 * CONTROL_MESSAGE), and messages whose text holds `}{`. It yields exactly 5 rows.
 */
export function acceptanceFirehoseFile(): Buffer {
  const envelopes = [
    dataMessage({
      logStream: SID,
      events: [
        {
          id: '37000000000000000000000000000000000000000000000000000001',
          timestamp: T0,
          message: sessionMessage(SID, '2026-11-01T08:15:09Z', ['$ sudo -i', '# id']),
        },
        {
          id: '37000000000000000000000000000000000000000000000000000002',
          timestamp: T0 + 1000,
          message: sessionMessage(SID, '2026-11-01T08:15:10Z', ["# echo '}{' > /tmp/x", '# cat "/tmp/x" \\']),
        },
      ],
    }),
    controlMessage(T0 + 2000),
    dataMessage({
      logGroup: '/aws/lambda/billing-export',
      logStream: '2026/11/01/[$LATEST]0123456789abcdef0123456789abcdef',
      events: [
        {
          id: '37000000000000000000000000000000000000000000000000000003',
          timestamp: T0 + 3000,
          message: 'START RequestId: 1 }{ not json',
        },
      ],
    }),
    dataMessage({
      logStream: SID,
      events: [
        {
          id: '37000000000000000000000000000000000000000000000000000004',
          timestamp: T0 + 4000,
          message: sessionMessage(SID, '2026-11-01T08:15:13Z', ['# exit']),
        },
      ],
    }),
    dataMessage({
      logStream: 'user09-0c0ffee0c0ffee001',
      events: [
        {
          id: '37000000000000000000000000000000000000000000000000000005',
          timestamp: T0 + 5000,
          message: 'not JSON at all',
        },
      ],
    }),
  ];
  // Three gzip members: envelopes 1-2, 3-4 and 5, each member holding concatenated documents.
  return multiMemberGzip([
    envelopes.slice(0, 2).join(''),
    envelopes.slice(2, 4).join(''),
    envelopes.slice(4).join(''),
  ]);
}
