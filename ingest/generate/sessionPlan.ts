import { browserAgent, cliAgent, publicIp } from './agents.ts';
import { dayStartMs, type ResolvedOptions } from './options.ts';
import { Prng } from './prng.ts';
import { isoSeconds, SECOND_MS } from './time.ts';
import type { GeneratedSession } from './types.ts';
import type { AccountWorld, Principal, World } from './world.ts';

/** One CloudWatch log event a session will write. */
export interface SessionLogPlan {
  ms: number;
  lines: number;
}

/** One Session Manager session, decided before any file is built. */
export interface SessionPlan {
  index: number;
  sessionId: string;
  account: AccountWorld;
  region: string;
  day: number;
  principal: Principal;
  target: string;
  startMs: number;
  sourceIp: string;
  userAgent: string;
  /** Set for port-forwarding sessions; plain shell sessions have no document name. */
  documentName: string | null;
  runAsUser: string;
  logs: SessionLogPlan[];
  resumeMs: number | null;
  terminateMs: number | null;
}

/**
 * Spreads `options.sessions` sessions over accounts and days. Each starts between 00:20 and 21:00 UTC
 * and writes all its log events (1 to 8) within about 90 minutes, so everything stays on its start day.
 */
export function planSessions(options: ResolvedOptions, world: World): SessionPlan[] {
  const plans: SessionPlan[] = [];
  const accounts = world.accounts.length;
  for (let index = 0; index < options.sessions; index++) {
    const rng = new Prng(options.seed, 'session', index);
    const account = world.accounts[index % accounts] as AccountWorld;
    const day = Math.floor(index / accounts) % options.days;
    const region = rng.pick(options.regions);
    const principal = rng.pick(account.humans);
    const startMs = dayStartMs(options, day) + rng.int(20 * 60, 21 * 3600) * SECOND_MS;
    const logs: SessionLogPlan[] = [];
    let t = startMs + rng.int(2, 40) * SECOND_MS;
    const count = rng.int(1, 8);
    for (let i = 0; i < count; i++) {
      logs.push({ ms: t + rng.int(0, 999), lines: rng.int(1, 6) });
      t += rng.int(5, 600) * SECOND_MS;
    }
    const lastLog = (logs[logs.length - 1] as SessionLogPlan).ms;
    const console = rng.chance(0.3);
    const portForward = !console && rng.chance(0.15);
    plans.push({
      index,
      sessionId: `${principal.name}-0${rng.hex(16)}`,
      account,
      region,
      day,
      principal,
      target: rng.pick(account.instances.get(region) ?? []),
      startMs,
      sourceIp: publicIp(rng),
      userAgent: console ? browserAgent(rng) : cliAgent(rng, 'ssm.start-session'),
      documentName: portForward ? 'AWS-StartPortForwardingSession' : null,
      runAsUser: rng.chance(0.85) ? 'ssm-user' : 'ec2-user',
      logs,
      resumeMs: rng.chance(0.25) ? rng.int(startMs + SECOND_MS, lastLog) : null,
      terminateMs: rng.chance(0.75) ? lastLog + rng.int(5, 300) * SECOND_MS : null,
    });
  }
  return plans;
}

/** The manifest entry of a planned session. */
export function describeSession(plan: SessionPlan): GeneratedSession {
  return {
    sessionId: plan.sessionId,
    account: plan.account.id,
    region: plan.region,
    principalArn: plan.principal.arn,
    sourceIdentity: plan.principal.sourceIdentity,
    target: plan.target,
    startTime: isoSeconds(plan.startMs),
    logEvents: plan.logs.length,
    lines: plan.logs.reduce((sum, log) => sum + log.lines, 0),
  };
}
