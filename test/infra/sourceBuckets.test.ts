/**
 * Issue 8.1, template side: existing source buckets. The template resolved for concrete parameter
 * sets (moto cannot deploy it, and IAM is not enforced there): the queue accepts exactly the
 * configured buckets, accounts, topics and rules; transform reads exactly those buckets.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../lake/config.ts';
import {
  actionsOf,
  PSEUDO,
  type Resource,
  resolveTemplate,
  resourcesOf,
  roleStatements,
  type Statement,
  statementsOf,
  wildcardMatch,
} from './resolveTemplate.ts';

const ACCOUNT = PSEUDO['AWS::AccountId'];
const RAW_ARN = `arn:aws:s3:::loglake-raw-${ACCOUNT}-eu-west-1`;
const SOURCES = {
  SourceBucketNames: 'org-trail-logs-444455556666,firehose-cwl-777788889999',
  SourceBucketAccounts: '444455556666,777788889999',
};
const TOPICS =
  'arn:aws:sns:us-east-1:444455556666:org-trail-delivery,arn:aws:sns:eu-west-1:777788889999:cwl-bucket';
const ROLES =
  'arn:aws:iam::444455556666:role/loglake-read,arn:aws:iam::777788889999:role/security/loglake-read';

const queueStatements = (resources: Record<string, Resource>): Statement[] =>
  statementsOf(resources.NotificationsQueuePolicy!.Properties.PolicyDocument);
const transformStatements = (resources: Record<string, Resource>): Statement[] =>
  roleStatements(resources.TransformRole!);
const bySid = (statements: Statement[], sid: string): Statement | undefined =>
  statements.find((s) => s.Sid === sid);

/** Whether an Allow statement grants `action` on `resource` (ignoring conditions). */
const grants = (statements: Statement[], action: string, resource: string): boolean =>
  statements.some(
    (s) =>
      s.Effect === 'Allow' &&
      actionsOf(s).some((a) => wildcardMatch(a, action, true)) &&
      resourcesOf(s).some((r) => wildcardMatch(r, resource)),
  );

describe('source buckets in infra/loglake.yaml', () => {
  it('by default accepts S3 notifications of the raw bucket of this account only, and grants no source reads', () => {
    const { resources } = resolveTemplate({ CodeBucket: 'code' });
    const statements = queueStatements(resources);
    expect(statements.map((s) => s.Sid)).toEqual(['S3BucketNotifications']);
    expect(statements[0]!.Principal).toEqual({ Service: 's3.amazonaws.com' });
    expect(statements[0]!.Condition).toEqual({
      ArnLike: { 'aws:SourceArn': [RAW_ARN] },
      StringEquals: { 'aws:SourceAccount': [ACCOUNT] },
    });
    const sids = transformStatements(resources).map((s) => s.Sid);
    for (const sid of ['SourceBucketObjects', 'SourceBuckets', 'SourceReadRoles', 'SourceBucketKeys'])
      expect(sids).not.toContain(sid);
    for (const name of Object.keys(resources))
      expect(name).not.toMatch(/^SourceTopicSubscription|^SourceObject/);
  });

  it('accepts S3 notifications from exactly the source buckets and their accounts', () => {
    const { resources } = resolveTemplate({ CodeBucket: 'code', ...SOURCES });
    const s3 = bySid(queueStatements(resources), 'S3BucketNotifications')!;
    expect(s3.Action).toBe('sqs:SendMessage');
    expect(s3.Resource).toBe('{NotificationsQueue.Arn}');
    expect(s3.Condition!.ArnLike!['aws:SourceArn']).toEqual([
      RAW_ARN,
      'arn:*:s3:::org-trail-logs-444455556666',
      'arn:*:s3:::firehose-cwl-777788889999',
    ]);
    expect(s3.Condition!.StringEquals!['aws:SourceAccount']).toEqual([
      ACCOUNT,
      '444455556666',
      '777788889999',
    ]);
    // A bucket not listed, or one whose name merely starts like a listed one, matches none of them.
    const arns = s3.Condition!.ArnLike!['aws:SourceArn'] as string[];
    for (const other of ['arn:aws:s3:::org-trail-logs-444455556666-copy', 'arn:aws:s3:::someone-else'])
      expect(arns.some((a) => wildcardMatch(a, other))).toBe(false);
    expect(arns.some((a) => wildcardMatch(a, 'arn:aws:s3:::firehose-cwl-777788889999'))).toBe(true);
  });

  it('grants transform s3:GetObject and s3:ListBucket on exactly the source buckets, owned by the listed accounts', () => {
    const { resources } = resolveTemplate({ CodeBucket: 'code', ...SOURCES });
    const statements = transformStatements(resources);
    const objects = bySid(statements, 'SourceBucketObjects')!;
    expect(objects.Action).toEqual(['s3:GetObject']);
    expect(objects.Resource).toEqual([
      'arn:*:s3:::org-trail-logs-444455556666/*',
      'arn:*:s3:::firehose-cwl-777788889999/*',
    ]);
    const buckets = bySid(statements, 'SourceBuckets')!;
    expect(buckets.Action).toEqual(['s3:ListBucket']);
    expect(buckets.Resource).toEqual([
      'arn:*:s3:::org-trail-logs-444455556666',
      'arn:*:s3:::firehose-cwl-777788889999',
    ]);
    for (const s of [objects, buckets])
      expect(s.Condition).toEqual({
        StringEquals: { 'aws:ResourceAccount': [ACCOUNT, '444455556666', '777788889999'] },
      });
    expect(
      grants(statements, 's3:GetObject', 'arn:aws:s3:::org-trail-logs-444455556666/AWSLogs/x.json.gz'),
    ).toBe(true);
    expect(grants(statements, 's3:GetObject', 'arn:aws:s3:::another-bucket/AWSLogs/x.json.gz')).toBe(false);
    // loglake never writes to a source bucket.
    for (const action of ['s3:PutObject', 's3:DeleteObject', 's3:PutBucketNotification'])
      for (const role of ['TransformRole', 'AddapartRole'])
        expect(
          grants(roleStatements(resources[role]!), action, 'arn:aws:s3:::org-trail-logs-444455556666/k'),
          `${role} ${action}`,
        ).toBe(false);
    // addapart never reads objects: it registers partitions from the notification alone.
    expect(
      grants(
        roleStatements(resources.AddapartRole!),
        's3:GetObject',
        'arn:aws:s3:::firehose-cwl-777788889999/k',
      ),
    ).toBe(false);
  });

  it('grants sts:AssumeRole on exactly the configured read roles, and kms:Decrypt on the source keys', () => {
    const key = 'arn:aws:kms:us-east-1:444455556666:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const { resources } = resolveTemplate({
      CodeBucket: 'code',
      ...SOURCES,
      SourceReadRoleArns: ROLES,
      SourceKmsKeyArns: key,
    });
    const statements = transformStatements(resources);
    expect(bySid(statements, 'SourceReadRoles')).toMatchObject({
      Effect: 'Allow',
      Action: ['sts:AssumeRole'],
      Resource: ROLES.split(','),
    });
    expect(bySid(statements, 'SourceBucketKeys')).toMatchObject({ Action: ['kms:Decrypt'], Resource: [key] });
    const assumable = statements.filter((s) =>
      actionsOf(s).some((a) => wildcardMatch(a, 'sts:AssumeRole', true)),
    );
    expect(assumable.flatMap(resourcesOf)).toEqual(ROLES.split(','));
  });

  it('accepts the listed SNS topics only, and subscribes the queue to each (region taken from the ARN)', () => {
    const { resources } = resolveTemplate({ CodeBucket: 'code', ...SOURCES, SourceSnsTopicArns: TOPICS });
    const sns = bySid(queueStatements(resources), 'SnsFanOut')!;
    expect(sns.Principal).toEqual({ Service: 'sns.amazonaws.com' });
    expect(sns.Condition).toEqual({ ArnEquals: { 'aws:SourceArn': TOPICS.split(',') } });
    const subscriptions = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::SNS::Subscription');
    const toQueue = subscriptions
      .filter(([, r]) => r.Properties.Protocol === 'sqs')
      .map(([, r]) => r.Properties);
    expect(toQueue).toEqual([
      {
        Protocol: 'sqs',
        Endpoint: '{NotificationsQueue.Arn}',
        TopicArn: 'arn:aws:sns:us-east-1:444455556666:org-trail-delivery',
        Region: 'us-east-1',
      },
      {
        Protocol: 'sqs',
        Endpoint: '{NotificationsQueue.Arn}',
        TopicArn: 'arn:aws:sns:eu-west-1:777788889999:cwl-bucket',
        Region: 'eu-west-1',
      },
    ]);
    // Five topics fill the five slots.
    const five = Array.from({ length: 5 }, (_, i) => `arn:aws:sns:eu-west-1:444455556666:t${i}`);
    const all = resolveTemplate({ CodeBucket: 'code', SourceSnsTopicArns: five.join(',') }).resources;
    expect(
      Object.values(all)
        .filter((r) => r.Type === 'AWS::SNS::Subscription' && r.Properties.Protocol === 'sqs')
        .map((r) => r.Properties.TopicArn),
    ).toEqual(five);
  });

  it('with EventBridge on: a rule for exactly the source buckets’ Object Created events, and only rules of the listed accounts may send', () => {
    const off = resolveTemplate({ CodeBucket: 'code', ...SOURCES }).resources;
    expect(off.SourceObjectCreatedRule).toBeUndefined();
    expect(bySid(queueStatements(off), 'EventBridgeRules')).toBeUndefined();

    const { resources } = resolveTemplate({ CodeBucket: 'code', ...SOURCES, SourceEventBridge: 'true' });
    const rule = resources.SourceObjectCreatedRule!.Properties;
    expect(rule.EventPattern).toEqual({
      source: ['aws.s3'],
      'detail-type': ['Object Created'],
      detail: { bucket: { name: SOURCES.SourceBucketNames.split(',') } },
    });
    expect(rule.Targets).toEqual([{ Id: 'notifications', Arn: '{NotificationsQueue.Arn}' }]);
    const eb = bySid(queueStatements(resources), 'EventBridgeRules')!;
    expect(eb.Principal).toEqual({ Service: 'events.amazonaws.com' });
    expect(eb.Condition).toEqual({
      ArnLike: { 'aws:SourceArn': 'arn:aws:events:*:*:rule/*' },
      StringEquals: { 'aws:SourceAccount': [ACCOUNT, '444455556666', '777788889999'] },
    });
  });

  it('refuses parameter values that are not bucket names, account ids or ARNs of the right kind', () => {
    const bad: Record<string, string>[] = [
      { SourceBucketNames: 'Bad_Bucket' },
      { SourceBucketAccounts: '4444' },
      { SourceSnsTopicArns: 'arn:aws:sqs:us-east-1:444455556666:q' },
      { SourceReadRoleArns: 'arn:aws:iam::444455556666:user/someone' },
    ];
    for (const p of bad)
      expect(() => resolveTemplate({ CodeBucket: 'code', ...p })).toThrow(/AllowedPattern/);
  });

  it('tells a bucket owner where to point the notification and whom to grant reads', () => {
    const { outputs } = resolveTemplate({ CodeBucket: 'code', ...SOURCES });
    expect(outputs.NotificationsQueueArn).toBe('{NotificationsQueue.Arn}');
    expect(outputs.TransformRoleArn).toBe('{TransformRole.Arn}');
  });
});

describe('source bucket settings reach the functions', () => {
  it('passes SourceBucketsConfig to addapart and transform as LOGLAKE_SOURCE_BUCKETS, which the config reads', () => {
    const buckets = [
      { bucket: 'org-trail-logs-444455556666', expectedOwner: '444455556666', sources: ['cloudtrail'] },
      {
        bucket: 'firehose-cwl-777788889999',
        expectedOwner: '777788889999',
        readRoleArn: 'arn:aws:iam::777788889999:role/security/loglake-read',
      },
    ];
    const { resources } = resolveTemplate({
      CodeBucket: 'code',
      ...SOURCES,
      SourceBucketsConfig: JSON.stringify(buckets),
    });
    for (const fn of ['AddapartFunction', 'TransformFunction']) {
      const env = (resources[fn]!.Properties.Environment as { Variables: Record<string, string> }).Variables;
      expect(env.LOGLAKE_SOURCE_BUCKETS, fn).toBe(JSON.stringify(buckets));
      const config = loadConfig({
        env: {
          LOGLAKE_MODE: 'aws',
          AWS_REGION: 'eu-west-1',
          LOGLAKE_RAW_BUCKET: 'corp-raw',
          LOGLAKE_READREADY_BUCKET: 'corp-readready',
          LOGLAKE_QUARANTINE_BUCKET: 'corp-quarantine',
          LOGLAKE_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/111122223333/loglake-notifications',
          LOGLAKE_SOURCE_BUCKETS: env.LOGLAKE_SOURCE_BUCKETS!,
        },
        cwd: '/nonexistent',
      });
      expect(config.aws?.sourceBuckets).toMatchObject(buckets);
    }
  });
});
