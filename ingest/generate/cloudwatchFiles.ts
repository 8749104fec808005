import { controlEnvelope, dataEnvelope, type LogEvent, logEventIds } from './envelope.ts';
import { FILLER_GROUPS } from './fillerMessages.ts';
import { gzipMembers } from './gzip.ts';
import { firehoseKey } from './keys.ts';
import { dayStartMs, type ResolvedOptions } from './options.ts';
import { Prng } from './prng.ts';
import { sessionLines, sessionMessage } from './sessionMessage.ts';
import type { SessionPlan } from './sessionPlan.ts';
import { MINUTE_MS, SECOND_MS } from './time.ts';
import type { AccountWorld, World } from './world.ts';

/** A built Firehose object and what it holds. */
export interface CloudWatchFile {
  key: string;
  body: Uint8Array;
  /** Bytes after gunzipping every member. */
  uncompressedBytes: number;
  /** `logEvents` entries over all `DATA_MESSAGE` envelopes. */
  logEvents: number;
  controlMessages: number;
}

/** The Firehose delivery stream name in keys. */
export const FIREHOSE_STREAM = 'loglake-sessionlogs-stream';
/** Non-session log events per day before `extraFiller` scales them. */
const BASE_FILLER_EVENTS = { min: 300, max: 500 };
/** Log events per file once a day is big enough to need more files. */
const EVENTS_PER_FILE = 170;
/** Deliveries stop a few minutes before midnight, so keys and events stay on their day. */
const LAST_WINDOW_END_MS = (23 * 60 + 55) * MINUTE_MS;

/** One envelope's JSON text with the time it sorts by. */
export interface Envelope {
  ms: number;
  json: string;
  logEvents: number;
  control: boolean;
}

/** One session log event waiting for its file. */
interface PendingLog {
  plan: SessionPlan;
  index: number;
}

/**
 * The Firehose files of one day: delivery windows over the day, each holding the session log events
 * that fall into it, some non-session filler, and now and then a control message.
 */
export function* firehoseDayFiles(
  options: ResolvedOptions,
  world: World,
  day: number,
  sessions: readonly SessionPlan[],
): Generator<CloudWatchFile> {
  const rng = new Prng(options.seed, 'firehose', day);
  const filler = Math.round(
    rng.int(BASE_FILLER_EVENTS.min, BASE_FILLER_EVENTS.max) * (1 + options.extraFiller),
  );
  const sessionEvents = sessions.reduce((sum, plan) => sum + plan.logs.length, 0);
  const fileCount = Math.max(rng.int(3, 5), Math.ceil((filler + sessionEvents) / EVENTS_PER_FILE));
  const dayStart = dayStartMs(options, day);
  const windowMs = LAST_WINDOW_END_MS / fileCount;

  const pending: PendingLog[][] = Array.from({ length: fileCount }, () => []);
  for (const plan of sessions) {
    plan.logs.forEach((log, index) => {
      const w = Math.min(fileCount - 1, Math.floor((log.ms - dayStart) / windowMs));
      pending[w]?.push({ plan, index });
    });
  }

  for (let f = 0; f < fileCount; f++) {
    const fileRng = new Prng(options.seed, 'firehose-file', day, f);
    const start = dayStart + Math.round(f * windowMs);
    const end = dayStart + Math.round((f + 1) * windowMs);
    const envelopes = sessionEnvelopes(options, fileRng, pending[f] ?? []);
    const count = Math.round((filler * (f + 1)) / fileCount) - Math.round((filler * f) / fileCount);
    const first = day === 0 && f === 0;
    envelopes.push(...fillerEnvelopes(fileRng, world, count, start, end, first));
    // The first file of a data set always carries a control message, so every data set has one.
    if (first || fileRng.chance(0.3)) envelopes.push(controlAt(fileRng, start, end));
    yield assemble(options, world, fileRng, envelopes, start, end);
  }
}

/** The `n`-th extra Firehose file of filler events, for growing a data set to a byte target. */
export function firehoseFillerFile(options: ResolvedOptions, world: World, n: number): CloudWatchFile {
  const rng = new Prng(options.seed, 'firehose-filler', n);
  const day = n % options.days;
  const end = dayStartMs(options, day) + rng.int(20 * 60, LAST_WINDOW_END_MS / SECOND_MS) * SECOND_MS;
  const start = end - rng.int(1, 5) * MINUTE_MS;
  const envelopes = fillerEnvelopes(rng, world, rng.int(120, 220), start, end, false);
  if (rng.chance(0.1)) envelopes.push(controlAt(rng, start, end));
  return assemble(options, world, rng, envelopes, start, end);
}

function sessionEnvelopes(options: ResolvedOptions, rng: Prng, logs: readonly PendingLog[]): Envelope[] {
  const bySession = new Map<SessionPlan, LogEvent[]>();
  for (const { plan, index } of logs) {
    const log = plan.logs[index];
    if (log === undefined) continue;
    const lineRng = new Prng(options.seed, 'session-log', plan.index, index);
    const lines = sessionLines(lineRng, log.lines, plan.index === 0 && index === 0);
    let events = bySession.get(plan);
    if (events === undefined) {
      events = [];
      bySession.set(plan, events);
    }
    events.push({ id: '', timestamp: log.ms, message: sessionMessage(plan, log.ms, lines) });
  }
  const out: Envelope[] = [];
  for (const [plan, events] of bySession) {
    // CloudWatch Logs batches by stream but may cut a stream's events over several envelopes.
    const cut = events.length > 2 && rng.chance(0.4) ? rng.int(1, events.length - 1) : events.length;
    for (const part of [events.slice(0, cut), events.slice(cut)]) {
      if (part.length === 0) continue;
      const ids = logEventIds(
        rng,
        part.map((e) => e.timestamp),
      );
      part.forEach((e, i) => {
        e.id = ids[i] as string;
      });
      out.push({
        ms: (part[0] as LogEvent).timestamp,
        json: dataEnvelope(plan.account.id, options.sessionLogGroup, plan.sessionId, 'ssm-to-firehose', part),
        logEvents: part.length,
        control: false,
      });
    }
  }
  return out;
}

/** Envelopes of non-session log groups holding `count` log events at random times in [start, end). */
export function fillerEnvelopes(
  rng: Prng,
  world: World,
  count: number,
  start: number,
  end: number,
  withBraces: boolean,
): Envelope[] {
  const out: Envelope[] = [];
  let left = count;
  while (left > 0) {
    const size = Math.min(left, rng.int(1, 40));
    left -= size;
    const group = rng.weighted(FILLER_GROUPS);
    const owner = (rng.pick(world.accounts) as AccountWorld).id;
    const times: number[] = [];
    for (let i = 0; i < size; i++) times.push(start + Math.floor(rng.next() * (end - start)));
    times.sort((a, b) => a - b);
    const first = times[0] as number;
    const ids = logEventIds(rng, times);
    const events: LogEvent[] = times.map((ms, i) => ({
      id: ids[i] as string,
      timestamp: ms,
      message: group.message(rng, ms),
    }));
    if (withBraces && out.length === 0) {
      (events[0] as LogEvent).message =
        `${new Date(first).toISOString()}\tWARN\tunexpected '}{' between two JSON documents\n`;
    }
    out.push({
      ms: first,
      json: dataEnvelope(owner, group.logGroup, group.stream(rng, first), group.subscriptionFilter, events),
      logEvents: size,
      control: false,
    });
  }
  return out;
}

function controlAt(rng: Prng, start: number, end: number): Envelope {
  const ms = start + Math.floor(rng.next() * (end - start));
  return { ms, json: controlEnvelope(ms), logEvents: 0, control: true };
}

/**
 * Orders envelopes by time, groups them into 2 to 4 gzip members (Firehose appends each batch it
 * receives as its own member), and names the object after its delivery time.
 */
function assemble(
  options: ResolvedOptions,
  world: World,
  rng: Prng,
  envelopes: Envelope[],
  start: number,
  end: number,
): CloudWatchFile {
  // A file needs at least two envelopes to be split into two members.
  while (envelopes.length < 2)
    envelopes.push(...fillerEnvelopes(rng, world, rng.int(1, 3), start, end, false));
  envelopes.sort((a, b) => a.ms - b.ms);
  const members = Math.min(rng.int(2, 4), envelopes.length);
  const cuts = rng
    .shuffled(envelopes.length - 1)
    .slice(0, members - 1)
    .map((i) => i + 1)
    .sort((a, b) => a - b);
  const parts: Buffer[] = [];
  let from = 0;
  for (const cut of [...cuts, envelopes.length]) {
    parts.push(
      Buffer.from(
        envelopes
          .slice(from, cut)
          .map((e) => e.json)
          .join(''),
      ),
    );
    from = cut;
  }
  const lastMs = envelopes.reduce((max, e) => Math.max(max, e.ms), end);
  const delivered = lastMs + rng.int(1, 59) * SECOND_MS;
  return {
    key: firehoseKey(options.firehosePrefix, FIREHOSE_STREAM, delivered, rng.uuid()),
    body: gzipMembers(parts),
    uncompressedBytes: parts.reduce((sum, p) => sum + p.length, 0),
    logEvents: envelopes.reduce((sum, e) => sum + e.logEvents, 0),
    controlMessages: envelopes.filter((e) => e.control).length,
  };
}
