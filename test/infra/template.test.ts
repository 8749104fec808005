/**
 * The CloudFormation template, by contract: moto cannot deploy it, so it is linted with cfn-lint
 * and its wiring is checked against what the code expects (DESIGN §11).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CONFIG_ENV_VARS } from '../../lake/config.ts';

const TEMPLATE = 'infra/loglake.yaml';
/**
 * Variables agreed with the code that reads them, which lands on other branches (issue 8: the live
 * configuration's location, the owner of the stack's buckets); each drops out of this list as soon
 * as the config loader reads it. liveConfig.test.ts checks the values.
 */
const PENDING_IN_CODE = ['LOGLAKE_LIVE_CONFIG_URI', 'LOGLAKE_RAW_BUCKET_OWNER'].filter(
  (name) => !CONFIG_ENV_VARS.includes(name),
);
type Resource = { Type: string; DependsOn?: string | string[]; Properties: Record<string, unknown> };
const template = parse(readFileSync(TEMPLATE, 'utf8')) as {
  Parameters: Record<string, { Default?: unknown }>;
  Resources: Record<string, Resource>;
};
const ofType = (type: string) =>
  Object.entries(template.Resources).filter(([, r]) => r.Type === type) as [string, Resource][];

describe('infra/loglake.yaml', () => {
  it('passes cfn-lint, informational rules included (I3011: explicit deletion policies on stateful resources)', () => {
    const r = spawnSync('cfn-lint', ['--include-checks', 'I', '--', TEMPLATE], { encoding: 'utf8' });
    expect(r.error, 'cfn-lint must be installed (pip install cfn-lint)').toBeUndefined();
    expect(`${r.stdout}${r.stderr}`).toBe('');
    expect(r.status).toBe(0);
  });

  it('gives every queue that is not a DLQ a redrive policy to a DLQ of the template', () => {
    const queues = ofType('AWS::SQS::Queue');
    const dlqs = queues.filter(([name]) => name.endsWith('DLQ')).map(([name]) => name);
    const consumers = queues.filter(([name]) => !name.endsWith('DLQ'));
    expect(consumers.map(([n]) => n).sort()).toEqual(['NotificationsQueue', 'TransformQueue']);
    expect(dlqs.sort()).toEqual(['NotificationsDLQ', 'TransformDLQ', 'TransformInvokeDLQ']);
    for (const [, q] of consumers) {
      const redrive = q.Properties.RedrivePolicy as { deadLetterTargetArn: { 'Fn::GetAtt': string[] } };
      expect(dlqs).toContain(redrive.deadLetterTargetArn['Fn::GetAtt'][0]);
    }
  });

  it('feeds addapart from the notifications queue with partial batch responses, and a visibility of 6× its timeout', () => {
    const [[, mapping]] = ofType('AWS::Lambda::EventSourceMapping') as [[string, Resource]];
    expect(mapping.Properties.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
    expect(mapping.Properties.EventSourceArn).toEqual({ 'Fn::GetAtt': ['NotificationsQueue', 'Arn'] });
    expect(Number(template.Parameters.NotificationsVisibilityTimeout!.Default)).toBeGreaterThanOrEqual(
      6 * Number(template.Parameters.AddapartTimeout!.Default),
    );
    expect(template.Resources.TransformQueue!.Properties.VisibilityTimeout).toEqual({
      Ref: 'TransformTimeout',
    });
  });

  it('sends the raw bucket’s created-object notifications (never removals) to the queue', () => {
    const raw = template.Resources.RawBucket!.Properties as {
      NotificationConfiguration: { QueueConfigurations: { Event: string; Queue: unknown }[] };
    };
    expect(raw.NotificationConfiguration.QueueConfigurations).toEqual([
      { Event: 's3:ObjectCreated:*', Queue: { 'Fn::GetAtt': ['NotificationsQueue', 'Arn'] } },
    ]);
    expect(JSON.stringify(raw)).not.toContain('s3:ObjectRemoved');
    // The queue policy must exist before S3 validates the notification target.
    expect(template.Resources.RawBucket!.DependsOn).toBe('NotificationsQueuePolicy');
  });

  it('configures the functions only through variables the config loader reads, on nodejs22.x', () => {
    const functions = ofType('AWS::Lambda::Function');
    expect(functions.map(([n]) => n).sort()).toEqual([
      'AddapartFunction',
      'CompactFunction',
      'ReviewFunction',
      'TransformFunction',
    ]);
    for (const [, f] of functions) {
      expect(f.Properties.Runtime).toBe('nodejs22.x');
      const vars = Object.keys((f.Properties.Environment as { Variables: object }).Variables);
      for (const v of vars.filter((name) => name.startsWith('LOGLAKE_') && !PENDING_IN_CODE.includes(name)))
        expect(CONFIG_ENV_VARS).toContain(v);
      expect(vars).toContain('LOGLAKE_MODE');
    }
    // The transform runs one lane per vCPU its memory buys, as the stack's parameter says.
    const transform = template.Resources.TransformFunction!.Properties.Environment as {
      Variables: Record<string, unknown>;
    };
    expect(transform.Variables.LOGLAKE_TRANSFORM_WORKERS).toEqual({ Ref: 'TransformWorkers' });
    expect(template.Parameters?.TransformWorkers).toMatchObject({ Type: 'Number', Default: 2, MinValue: 1 });
  });

  it('runs compaction daily with a role limited to the readready tables and Glue partition updates', () => {
    const schedule = template.Resources.CompactSchedule!;
    expect(schedule.Properties.ScheduleExpression).toMatch(/^cron\(\d+ \d+ \* \* \? \*\)$/);
    const [target] = schedule.Properties.Targets as { Input: string }[];
    expect(JSON.parse(target!.Input)).toEqual({
      targetMb: 256,
      graceMinutes: 1440,
      zstdLevel: 9,
      lookbackDays: 3,
    });
    const role = template.Resources.CompactRole!;
    const [policy] = role.Properties.Policies as {
      PolicyDocument: { Statement: { Action: string | string[]; Resource: unknown }[] };
    }[];
    const statements = policy!.PolicyDocument.Statement;
    const actions = statements.flatMap((st) => (Array.isArray(st.Action) ? st.Action : [st.Action]));
    expect(actions.filter((a) => a.startsWith('glue:')).sort()).toEqual([
      'glue:GetPartitions',
      'glue:GetTable',
      'glue:UpdatePartition',
    ]);
    expect(actions.some((a) => a.startsWith('sqs:'))).toBe(false);
    for (const st of statements.filter((x) => [x.Action].flat().some((a) => a.startsWith('s3:')))) {
      const text = JSON.stringify(st);
      expect(text).not.toMatch(/RawBucket|QuarantineBucket/);
      expect(text).toContain('from_*_readready/*');
    }
  });

  it('points each handler at a module that loads and exports a function', () => {
    for (const [, f] of ofType('AWS::Lambda::Function')) {
      const handler = String(f.Properties.Handler);
      const file = `${handler.slice(0, handler.lastIndexOf('.'))}.mjs`;
      const exported = handler.slice(handler.lastIndexOf('.') + 1);
      expect(existsSync(file), file).toBe(true);
      // A fresh Node, as Lambda starts it: the module must load without AWS settings (the lake opens lazily).
      const r = spawnSync(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `const m = await import('./${file}'); console.log(typeof m.${exported});`,
        ],
        { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } },
      );
      expect(r.stderr).toBe('');
      expect(r.stdout.trim()).toBe('function');
    }
  });

  it('serves the review app on a Function URL, appending to its two tables only and never deleting', () => {
    const [[, url]] = ofType('AWS::Lambda::Url') as [[string, Resource]];
    expect(url.Properties.TargetFunctionArn).toEqual({ 'Fn::GetAtt': ['ReviewFunction', 'Arn'] });
    expect(url.Properties.AuthType).toBe('NONE');
    const permission = template.Resources.ReviewFunctionUrlPermission!.Properties;
    expect(permission).toMatchObject({ Action: 'lambda:InvokeFunctionUrl', FunctionUrlAuthType: 'NONE' });
    const review = template.Resources.ReviewFunction!.Properties as {
      Handler: string;
      Environment: { Variables: object };
    };
    expect(review.Handler).toBe('infra/handlers/review.handler');
    expect(Object.keys(review.Environment.Variables)).toEqual(
      expect.arrayContaining(['LOGLAKE_REVIEW_ISSUER', 'LOGLAKE_REVIEW_AUDIENCE', 'LOGLAKE_REVIEW_JWKS_URI']),
    );
    // Only a stack given an issuer's JWKS gets the function and its public URL.
    for (const name of ['ReviewFunction', 'ReviewFunctionUrl', 'ReviewFunctionUrlPermission', 'ReviewRole'])
      expect((template.Resources[name] as unknown as { Condition: string }).Condition, name).toBe(
        'HasReview',
      );
    const policy = JSON.stringify(template.Resources.ReviewRole!.Properties);
    expect(policy).not.toContain('s3:DeleteObject');
    const puts = (
      template.Resources.ReviewRole!.Properties.Policies as {
        PolicyDocument: { Statement: { Action: string[]; Resource: unknown }[] };
      }[]
    )[0]!.PolicyDocument.Statement.filter((st) => st.Action.includes('s3:PutObject'));
    expect(JSON.stringify(puts.map((st) => st.Resource))).toMatch(
      /loglake_session_reviews\/\*.*loglake_access_log\/\*/,
    );
  });
});
