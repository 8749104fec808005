import { type CloudTrailRecord, type JsonObject, makeActor, makeRecord } from './cloudtrailRecord.ts';
import { BASE64, Prng } from './prng.ts';
import type { SessionPlan } from './sessionPlan.ts';

/** A CloudTrail record together with its time, for ordering within a file. */
export interface TimedRecord {
  ms: number;
  record: CloudTrailRecord;
}

/** The ssm StartSession, ResumeSession and TerminateSession records of one session. */
export function sessionRecords(seed: number, plan: SessionPlan): TimedRecord[] {
  const rng = new Prng(seed, 'session-records', plan.index);
  const actor = makeActor(plan.principal, rng, plan.startMs);
  actor.sourceIp = plan.sourceIp;
  const browser = plan.userAgent.startsWith('Mozilla/');
  actor.client = browser ? 'browser' : 'automation';
  actor.agent = plan.userAgent;
  const ctx = (ms: number) => ({ rng, actor, account: plan.account.id, region: plan.region, ms });
  const { sessionId, region } = plan;
  const stream = (): JsonObject => ({
    sessionId,
    tokenValue: 'Value hidden due to security reasons.',
    streamUrl: `wss://ssmmessages.${region}.amazonaws.com/v1/data-channel/${sessionId}?role=publish_subscribe&cell-number=${rng.chars(86, BASE64)}==`,
  });

  const startParameters: JsonObject = { target: plan.target };
  if (plan.documentName !== null) {
    startParameters.documentName = plan.documentName;
    startParameters.parameters = { portNumber: ['5432'], localPortNumber: ['15432'] };
  }
  const out: TimedRecord[] = [
    {
      ms: plan.startMs,
      record: makeRecord(ctx(plan.startMs), {
        eventSource: 'ssm.amazonaws.com',
        eventName: 'StartSession',
        readOnly: false,
        requestParameters: startParameters,
        responseElements: stream(),
        resources: [
          {
            accountId: plan.account.id,
            type: 'AWS::EC2::Instance',
            ARN: `arn:aws:ec2:${region}:${plan.account.id}:instance/${plan.target}`,
          },
        ],
      }),
    },
  ];
  if (plan.resumeMs !== null) {
    out.push({
      ms: plan.resumeMs,
      record: makeRecord(ctx(plan.resumeMs), {
        eventSource: 'ssm.amazonaws.com',
        eventName: 'ResumeSession',
        readOnly: false,
        requestParameters: { sessionId },
        responseElements: stream(),
      }),
    });
  }
  if (plan.terminateMs !== null) {
    out.push({
      ms: plan.terminateMs,
      record: makeRecord(ctx(plan.terminateMs), {
        eventSource: 'ssm.amazonaws.com',
        eventName: 'TerminateSession',
        readOnly: false,
        requestParameters: { sessionId },
        responseElements: { sessionId },
      }),
    });
  }
  return out;
}
