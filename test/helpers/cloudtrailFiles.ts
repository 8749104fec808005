import { gzipSync } from 'node:zlib';

const ACCOUNT = '111122223333';
let serial = 0;

/** A CloudTrail record with the fields of a real management event; `over` replaces any of them. */
export function ctRecord(over: Record<string, unknown> = {}): Record<string, unknown> {
  const n = ++serial;
  const id = `${String(n).padStart(8, '0')}-1111-4222-8333-444455556666`;
  return {
    eventVersion: '1.09',
    userIdentity: {
      type: 'AssumedRole',
      principalId: 'AROAEXAMPLEID:employee-1',
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Operator/employee-1`,
      accountId: ACCOUNT,
      accessKeyId: 'ASIAEXAMPLEKEY',
      sessionContext: {
        sessionIssuer: {
          type: 'Role',
          principalId: 'AROAEXAMPLEID',
          arn: `arn:aws:iam::${ACCOUNT}:role/Operator`,
          accountId: ACCOUNT,
          userName: 'Operator',
        },
        attributes: { creationDate: '2026-11-01T08:00:00Z', mfaAuthenticated: 'false' },
      },
    },
    eventTime: '2026-11-01T08:15:02Z',
    eventSource: 'sts.amazonaws.com',
    eventName: 'GetCallerIdentity',
    awsRegion: 'eu-west-1',
    sourceIPAddress: '203.0.113.10',
    userAgent: 'aws-cli/2.15.0 Python/3.11',
    requestParameters: null,
    responseElements: null,
    requestID: id,
    eventID: id,
    readOnly: true,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCOUNT,
    eventCategory: 'Management',
    ...over,
  };
}

/** The raw key of a CloudTrail file in a single-account trail, named `name` (the random part). */
export function ctKey(name: string, day = '2026/11/01'): string {
  const compact = day.replaceAll('/', '');
  return `AWSLogs/${ACCOUNT}/CloudTrail/eu-west-1/${day}/${ACCOUNT}_CloudTrail_eu-west-1_${compact}T0815Z_${name}.json.gz`;
}

/** A gzip CloudTrail file (`{"Records":[…]}`), or any text gzipped as a CloudTrail file would be. */
export function ctFile(records: readonly unknown[] | string): Buffer {
  return gzipSync(typeof records === 'string' ? records : JSON.stringify({ Records: records }));
}
