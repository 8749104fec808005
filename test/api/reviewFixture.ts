/**
 * A small lake for the review API: StartSessions of SSO, SAML, IAM-user and source-identity
 * principals (one failed, with `responseElements: null`), their keystroke lines in Firehose files,
 * the STS calls that led to them, and a directory with two managers and a director above them.
 */
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { drainQueue } from '../../addapart/drainQueue.ts';
import { embeddedReviewPaths } from '../../api/index.ts';
import type { Lake } from '../../lake/lake.ts';
import { runTransform } from '../../transform/runTransform.ts';
import { dataMessage, multiMemberGzip, sessionMessage } from '../helpers/firehose.ts';

export const ACCOUNT = '111122223333';
export const OTHER_ACCOUNT = '444455556666';
const SSO_ROLE = 'AWSReservedSSO_AdministratorAccess_0123456789abcdef';

/** Principals by the kind of identity they test. */
export const P = {
  sso: `arn:aws:sts::${ACCOUNT}:assumed-role/${SSO_ROLE}/employee-1@example.com`,
  saml: `arn:aws:sts::${ACCOUNT}:assumed-role/saml-ops-admin/Employee-2@Example.com`,
  iamUser: `arn:aws:iam::${ACCOUNT}:user/ops/employee-3`,
  chained: `arn:aws:sts::${ACCOUNT}:assumed-role/ops-engineer/ops-engineer-9`,
  root: `arn:aws:iam::${ACCOUNT}:root`,
  managerA: `arn:aws:sts::${ACCOUNT}:assumed-role/${SSO_ROLE}/manager-a`,
};

/** The directory: manager-a has employee-1 and employee-2; manager-b has employee-3 and employee-4. */
export const DIRECTORY = {
  employees: [
    { identity: 'employee-1@example.com', manager: 'manager-a' },
    { identity: 'employee-2@example.com', manager: 'manager-a' },
    { identity: 'employee-3', manager: 'manager-b' },
    { identity: 'employee-4', manager: 'manager-b' },
    { identity: 'manager-a', manager: 'director-1' },
    { identity: 'manager-b', manager: 'director-1' },
  ],
};

interface Identity {
  arn: string;
  type: 'AssumedRole' | 'IAMUser' | 'Root';
  sourceIdentity?: string;
}

const identities: Record<keyof typeof P, Identity> = {
  sso: { arn: P.sso, type: 'AssumedRole' },
  saml: { arn: P.saml, type: 'AssumedRole' },
  iamUser: { arn: P.iamUser, type: 'IAMUser' },
  chained: { arn: P.chained, type: 'AssumedRole', sourceIdentity: 'employee-4' },
  root: { arn: P.root, type: 'Root' },
  managerA: { arn: P.managerA, type: 'AssumedRole' },
};

function userIdentity(id: Identity, account: string): Record<string, unknown> {
  if (id.type === 'IAMUser')
    return {
      type: 'IAMUser',
      principalId: 'AIDAEXAMPLEUSERID003',
      arn: id.arn,
      accountId: account,
      accessKeyId: 'AKIAEXAMPLEKEY000003',
      userName: id.arn.split('/').pop(),
    };
  if (id.type === 'Root')
    return { type: 'Root', principalId: account, arn: id.arn, accountId: account, accessKeyId: 'ASIAROOT' };
  const [, role = '', name = ''] = id.arn.split(':').pop()!.split('/');
  return {
    type: 'AssumedRole',
    principalId: `AROAEXAMPLEROLEID01:${name}`,
    arn: id.arn,
    accountId: account,
    accessKeyId: 'ASIAEXAMPLEKEY000001',
    sessionContext: {
      sessionIssuer: {
        type: 'Role',
        principalId: 'AROAEXAMPLEROLEID01',
        arn: `arn:aws:iam::${account}:role/${role}`,
        accountId: account,
        userName: role,
      },
      attributes: { creationDate: '2026-11-01T07:00:00Z', mfaAuthenticated: 'true' },
      ...(id.sourceIdentity ? { sourceIdentity: id.sourceIdentity } : {}),
    },
  };
}

/** A planned session of the fixture. */
export interface FixtureSession {
  who: keyof typeof P;
  sessionId: string | null;
  eventId: string;
  start: string;
  account?: string;
  lines?: string[][];
  errorCode?: string;
}

const sid = (name: string, n: number) => `${name}-0${n.toString(16).padStart(16, '0')}`;
let eventSeq = 0;
const eid = () => `00000000-0000-4000-8000-${String(++eventSeq).padStart(12, '0')}`;

/** The sessions of the fixture, by name. */
export const S = {
  // employee-1 (SSO): five sessions over five days for paging, one of them failed.
  sso1: {
    who: 'sso',
    sessionId: sid('employee-1', 1),
    eventId: eid(),
    start: '2026-11-01T08:15:02.000Z',
    lines: [['$ sudo -i', '# id'], ["# echo '; DROP TABLE x; --'"]],
  },
  sso2: {
    who: 'sso',
    sessionId: sid('employee-1', 2),
    eventId: eid(),
    start: '2026-11-02T09:00:00.000Z',
    lines: [['$ uptime']],
  },
  sso3: {
    who: 'sso',
    sessionId: sid('employee-1', 3),
    eventId: eid(),
    start: '2026-11-03T10:00:00.000Z',
    account: OTHER_ACCOUNT,
    lines: [['$ ls']],
  },
  ssoFailed: {
    who: 'sso',
    sessionId: null,
    eventId: eid(),
    start: '2026-11-04T11:00:00.000Z',
    errorCode: 'AccessDenied',
  },
  ssoOld: {
    who: 'sso',
    sessionId: sid('employee-1', 5),
    eventId: eid(),
    start: '2026-10-20T07:00:00.000Z',
    lines: [['$ whoami']],
  },
  // employee-2 (SAML, mixed-case session name), led to by AssumeRoleWithSAML.
  saml: {
    who: 'saml',
    sessionId: sid('Employee-2', 6),
    eventId: eid(),
    start: '2026-11-02T12:00:00.000Z',
    lines: [['$ cat /etc/shadow']],
  },
  // employee-3 (IAM user), employee-4 (chained role with source identity), both manager-b's.
  iamUser: {
    who: 'iamUser',
    sessionId: sid('employee-3', 7),
    eventId: eid(),
    start: '2026-11-03T13:00:00.000Z',
    lines: [['$ df -h']],
  },
  chained: {
    who: 'chained',
    sessionId: sid('ops-engineer-9', 8),
    eventId: eid(),
    start: '2026-11-03T14:00:00.000Z',
    lines: [['$ top']],
  },
  // Nobody's: the account root.
  root: {
    who: 'root',
    sessionId: sid('root', 9),
    eventId: eid(),
    start: '2026-11-03T15:00:00.000Z',
    lines: [['# reboot']],
  },
  // manager-a's own session: manager-a must not see it, director-1 (transitive) may.
  managerA: {
    who: 'managerA',
    sessionId: sid('manager-a', 10),
    eventId: eid(),
    start: '2026-11-02T16:00:00.000Z',
    lines: [['$ id']],
  },
} satisfies Record<string, FixtureSession>;

/** A moment after every fixture session, when the oldest is overdue and the rest are pending. */
export const NOW = new Date('2026-11-06T00:00:00.000Z');

function record(
  id: Identity,
  at: string,
  account: string,
  fields: Record<string, unknown>,
): Record<string, unknown> {
  return {
    eventVersion: '1.09',
    userIdentity: userIdentity(id, account),
    eventTime: at.replace('.000Z', 'Z'),
    awsRegion: 'eu-west-1',
    sourceIPAddress: '198.51.100.23',
    userAgent: 'aws-cli/2.15.0 Python/3.11.6 Linux/6.1 command/ssm.start-session',
    requestID: randomUUID(),
    eventID: eid(),
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: account,
    eventCategory: 'Management',
    ...fields,
  };
}

function startSession(s: FixtureSession): Record<string, unknown> {
  const id = identities[s.who];
  const account = s.account ?? ACCOUNT;
  const target = `i-0abc1234def5678${String(Object.values(S).indexOf(s as never)).padStart(2, '0')}`;
  return {
    ...record(id, s.start, account, {
      eventSource: 'ssm.amazonaws.com',
      eventName: 'StartSession',
      requestParameters: { target },
      responseElements: s.sessionId
        ? {
            sessionId: s.sessionId,
            tokenValue: 'Value hidden due to security reasons.',
            streamUrl: `wss://ssmmessages.eu-west-1.amazonaws.com/v1/data-channel/${s.sessionId}?role=publish_subscribe`,
          }
        : null,
      ...(s.errorCode
        ? {
            errorCode: s.errorCode,
            errorMessage: `User: ${id.arn} is not authorized to perform: ssm:StartSession`,
          }
        : {}),
      resources: [
        {
          accountId: account,
          type: 'AWS::EC2::Instance',
          ARN: `arn:aws:ec2:eu-west-1:${account}:instance/${target}`,
        },
      ],
    }),
    eventID: s.eventId,
  };
}

const shift = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();

/** CloudTrail records of the fixture: StartSessions, terminations and the calls around them. */
export function fixtureRecords(): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const s of Object.values(S) as FixtureSession[]) {
    out.push(startSession(s));
    const id = identities[s.who];
    // An API call of the principal 10 minutes before, one during, and one 5 hours before (outside the window).
    out.push(
      record(id, shift(s.start, -10 * 60_000), s.account ?? ACCOUNT, {
        eventSource: 'ec2.amazonaws.com',
        eventName: 'DescribeInstances',
        readOnly: true,
      }),
    );
    out.push(
      record(id, shift(s.start, 30_000), s.account ?? ACCOUNT, {
        eventSource: 's3.amazonaws.com',
        eventName: 'ListBuckets',
        readOnly: true,
      }),
    );
    out.push(
      record(id, shift(s.start, -5 * 3600_000), s.account ?? ACCOUNT, {
        eventSource: 'iam.amazonaws.com',
        eventName: 'ListRoles',
        readOnly: true,
      }),
    );
    if (s.sessionId)
      out.push(
        record(id, shift(s.start, 20 * 60_000), s.account ?? ACCOUNT, {
          eventSource: 'ssm.amazonaws.com',
          eventName: 'TerminateSession',
          requestParameters: { sessionId: s.sessionId },
          responseElements: { sessionId: s.sessionId },
        }),
      );
  }
  // The SAML sign-in that created employee-2's role session, 15 minutes before it.
  out.push(
    record({ arn: '', type: 'AssumedRole' }, shift(S.saml.start, -15 * 60_000), ACCOUNT, {
      userIdentity: {
        type: 'SAMLUser',
        principalId: 'HASH=:Employee-2@Example.com',
        userName: 'Employee-2@Example.com',
        identityProvider: 'HASH=',
      },
      eventSource: 'sts.amazonaws.com',
      eventName: 'AssumeRoleWithSAML',
      readOnly: true,
      requestParameters: {
        roleArn: `arn:aws:iam::${ACCOUNT}:role/saml-ops-admin`,
        roleSessionName: 'Employee-2@Example.com',
      },
      responseElements: {
        assumedRoleUser: { assumedRoleId: 'AROAEXAMPLE:Employee-2@Example.com', arn: P.saml },
        subject: 'Employee-2@Example.com',
      },
    }),
  );
  // The AssumeRole into ops-engineer by employee-4's SSO session, which carries the same source identity.
  out.push(
    record(
      {
        arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${SSO_ROLE}/employee-4@example.com`,
        type: 'AssumedRole',
        sourceIdentity: 'employee-4',
      },
      shift(S.chained.start, -5 * 60_000),
      ACCOUNT,
      {
        eventSource: 'sts.amazonaws.com',
        eventName: 'AssumeRole',
        readOnly: true,
        requestParameters: {
          roleArn: `arn:aws:iam::${ACCOUNT}:role/ops-engineer`,
          roleSessionName: 'ops-engineer-9',
        },
        responseElements: {
          assumedRoleUser: { assumedRoleId: 'AROAEXAMPLE:ops-engineer-9', arn: P.chained },
          sourceIdentity: 'employee-4',
        },
      },
    ),
  );
  return out;
}

/** Firehose files holding each session's lines, one log event per line group, a second apart. */
function firehoseFiles(): { key: string; body: Buffer }[] {
  const files: { key: string; body: Buffer }[] = [];
  for (const s of Object.values(S) as FixtureSession[]) {
    if (!s.sessionId || !s.lines) continue;
    const t0 = Date.parse(s.start) + 5000;
    const events = s.lines.map((lines, i) => ({
      id: `3700000000000000000000000000000000000000000000${String(files.length).padStart(5, '0')}${i}`,
      timestamp: t0 + i * 1000,
      message: sessionMessage(
        s.sessionId!,
        new Date(t0 + i * 1000).toISOString().replace('.000Z', 'Z'),
        lines,
      ),
    }));
    // A message that is not the agent's JSON stays as text: it is a line of the session all the same.
    if (s === S.sso2)
      events.push({
        id: `37999999999999999999999999999999999999999999999999999${files.length}`,
        timestamp: t0 + 9000,
        message: 'not JSON: agent restarted',
      });
    const d = new Date(t0).toISOString();
    const [y, m, dd, hh] = [d.slice(0, 4), d.slice(5, 7), d.slice(8, 10), d.slice(11, 13)];
    files.push({
      key: `cloudwatch/${y}/${m}/${dd}/${hh}/stream-1-${y}-${m}-${dd}-${hh}-00-00-${randomUUID()}`,
      body: multiMemberGzip([dataMessage({ logStream: s.sessionId, events })]),
    });
  }
  return files;
}

/** Lands the fixture in `lake`, runs addapart and transform, and writes the directory file. */
export async function buildReviewFixture(lake: Lake, extra: Record<string, unknown>[] = []): Promise<void> {
  const byDay = new Map<string, Record<string, unknown>[]>();
  for (const r of [...fixtureRecords(), ...extra]) {
    const day = String(r.eventTime).slice(0, 10);
    byDay.set(day, [...(byDay.get(day) ?? []), r]);
  }
  for (const [day, records] of byDay) {
    const [y, m, d] = day.split('-');
    const key = `AWSLogs/${ACCOUNT}/CloudTrail/eu-west-1/${y}/${m}/${d}/${ACCOUNT}_CloudTrail_eu-west-1_${y}${m}${d}T0000Z_Fixture${y}${m}${d}.json.gz`;
    await lake.raw.put(key, gzipSync(JSON.stringify({ Records: records })));
  }
  for (const f of firehoseFiles()) await lake.raw.put(f.key, f.body);
  await drainQueue(lake);
  const summary = await runTransform(lake);
  if (!summary.reconciled) throw new Error('fixture did not reconcile');
  const { directory } = embeddedReviewPaths(lake.config);
  await import('node:fs/promises').then((fs) =>
    fs.mkdir(directory.replace(/\/[^/]+$/, ''), { recursive: true }),
  );
  await writeFile(directory, JSON.stringify(DIRECTORY));
}
