/**
 * Issue 8.5: operations. Alarms on every DLQ, function errors, the age of the oldest landing
 * message and claims set aside, all to one SNS topic; an on-failure destination for the scheduled
 * transform; a runbook entry per alarm. CloudWatch and Lambda destinations cannot run on moto:
 * contract tests on the resolved template.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  type Json,
  type Resource,
  resolveTemplate,
  roleStatements,
  statementsOf,
} from './resolveTemplate.ts';

const BASE = { CodeBucket: 'code' };
const RUNBOOK = readFileSync('docs/RUNBOOK.md', 'utf8');

const alarms = (resources: Record<string, Resource>) =>
  Object.fromEntries(Object.entries(resources).filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm'));
const queueDimension = (queue: string) => [{ Name: 'QueueName', Value: `{${queue}.QueueName}` }];

describe('operations in infra/loglake.yaml', () => {
  const { resources } = resolveTemplate(BASE);
  const all = alarms(resources);

  it('alarms on the depth of every DLQ of the template', () => {
    const dlqs = Object.entries(resources)
      .filter(([name, r]) => r.Type === 'AWS::SQS::Queue' && name.endsWith('DLQ'))
      .map(([name]) => name);
    expect(dlqs).toEqual(expect.arrayContaining(['NotificationsDLQ', 'TransformDLQ', 'TransformInvokeDLQ']));
    for (const dlq of dlqs) {
      const watching = Object.values(all).filter(
        (a) => JSON.stringify(a.Properties.Dimensions) === JSON.stringify(queueDimension(dlq)),
      );
      expect(watching, dlq).toHaveLength(1);
      expect(watching[0]!.Properties).toMatchObject({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    }
  });

  it('alarms on errors of both functions', () => {
    const watched: [string, string][] = [
      ['AddapartErrorsAlarm', 'AddapartFunction'],
      ['TransformErrorsAlarm', 'TransformFunction'],
    ];
    for (const [alarm, fn] of watched) {
      expect(all[alarm]!.Properties).toMatchObject({
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Statistic: 'Sum',
        Dimensions: [{ Name: 'FunctionName', Value: `{ref:${fn}}` }],
      });
    }
  });

  it('alarms on the age of the oldest landing message in both queues, at the thresholds given', () => {
    const { resources: tuned } = resolveTemplate({
      ...BASE,
      NotificationsAgeAlarmSeconds: 120,
      LedgerAgeAlarmSeconds: 1800,
    });
    const a = alarms(tuned);
    for (const [alarm, queue, threshold] of [
      ['NotificationsAgeAlarm', 'NotificationsQueue', 120],
      ['LedgerAgeAlarm', 'TransformQueue', 1800],
    ] as const) {
      expect(a[alarm]!.Properties).toMatchObject({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateAgeOfOldestMessage',
        Statistic: 'Maximum',
        Dimensions: queueDimension(queue),
        Threshold: threshold,
        ComparisonOperator: 'GreaterThanThreshold',
      });
    }
    // The freshness alarm fires well inside the business SLA of 90 minutes.
    const p = all.LedgerAgeAlarm!.Properties;
    expect(Number(p.Threshold) + Number(p.Period) * Number(p.EvaluationPeriods)).toBeLessThan(90 * 60);
  });

  it('alarms on claims set aside: the dimension-free EMF metric ClaimsSetAside in namespace loglake', () => {
    expect(all.ClaimsSetAsideAlarm!.Properties).toMatchObject({
      Namespace: 'loglake',
      MetricName: 'ClaimsSetAside',
      Statistic: 'Sum',
      Threshold: 1,
      TreatMissingData: 'notBreaching',
    });
    expect(all.ClaimsSetAsideAlarm!.Properties.Dimensions).toBeUndefined();
    // The runbook states the same contract.
    expect(RUNBOOK).toMatch(/`ClaimsSetAside`[^.]*namespace `loglake`, no dimensions/);
  });

  it('sends every alarm and its recovery to the alarm topic; e-mail only when an address is given', () => {
    expect(Object.keys(all)).toEqual(
      expect.arrayContaining([
        'NotificationsDLQAlarm',
        'TransformDLQAlarm',
        'TransformInvokeDLQAlarm',
        'AddapartErrorsAlarm',
        'TransformErrorsAlarm',
        'NotificationsAgeAlarm',
        'LedgerAgeAlarm',
        'ClaimsSetAsideAlarm',
      ]),
    );
    for (const [name, a] of Object.entries(all)) {
      expect(a.Properties.AlarmActions, name).toEqual(['{ref:AlarmTopic}']);
      expect(a.Properties.OKActions, name).toEqual(['{ref:AlarmTopic}']);
    }
    expect(resources.AlarmEmailSubscription).toBeUndefined();
    const withMail = resolveTemplate({ ...BASE, AlarmEmail: 'secops@example.com' }).resources;
    expect(withMail.AlarmEmailSubscription!.Properties).toEqual({
      Protocol: 'email',
      Endpoint: 'secops@example.com',
      TopicArn: '{ref:AlarmTopic}',
    });
  });

  it('explains each alarm in docs/RUNBOOK.md under its name', () => {
    for (const [logical, a] of Object.entries(all)) {
      const name = String(a.Properties.AlarmName).replace(/^loglake-/, '');
      expect(RUNBOOK, logical).toContain(`\`<prefix>-${name}\``);
    }
    for (const command of ['loglake replay', 'loglake status', 'loglake config show', 'loglake config push'])
      expect(RUNBOOK).toContain(command);
  });

  it('gives the scheduled transform an on-failure destination, and the schedule a dead-letter queue', () => {
    const invoke = resources.TransformInvokeConfig!.Properties;
    expect(invoke).toMatchObject({
      FunctionName: '{ref:TransformFunction}',
      Qualifier: '$LATEST',
      MaximumRetryAttempts: 0,
      DestinationConfig: { OnFailure: { Destination: '{TransformInvokeDLQ.Arn}' } },
    });
    const target = (resources.TransformSchedule!.Properties.Targets as Record<string, Json>[])[0]!;
    expect(target.DeadLetterConfig).toEqual({ Arn: '{TransformInvokeDLQ.Arn}' });
    // The function's role may send to its destination; the queue accepts the schedule's dead letters.
    const sends = roleStatements(resources.TransformRole!).filter(
      (s) => s.Effect === 'Allow' && JSON.stringify(s.Action).includes('sqs:SendMessage'),
    );
    expect(sends.some((s) => s.Resource === '{TransformInvokeDLQ.Arn}')).toBe(true);
    const policy = statementsOf(resources.TransformInvokeDLQPolicy!.Properties.PolicyDocument);
    expect(policy).toEqual([
      expect.objectContaining({
        Principal: { Service: 'events.amazonaws.com' },
        Condition: { ArnEquals: { 'aws:SourceArn': '{TransformSchedule.Arn}' } },
      }),
    ]);
  });
});
