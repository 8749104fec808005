import { randomUUID } from 'node:crypto';
import { sqlTimestamp } from './appendTable.ts';
import type { Caller } from './auth.ts';
import { type Cursor, encodeCursor } from './cursor.ts';
import { type DirectoryEntry, teamOf } from './directory.ts';
import type { EngineHolder } from './engineHolder.ts';
import { SessionNotFoundError } from './errors.ts';
import type { ReviewTables } from './reviewTables.ts';
import { iso, toContextCall, toDecision, toSummary } from './rows.ts';
import {
  DECISIONS_SQL,
  FAILED_SESSION_DAY_SQL,
  lineCountsSql,
  SESSION_CONTEXT_SQL,
  SESSION_DAY_SQL,
  SESSION_END_SQL,
  SESSION_LINES_SQL,
  SESSION_ONE_SQL,
  SESSION_RAW_MESSAGES_SQL,
  sessionListSql,
} from './sql.ts';
import type {
  Decision,
  DecisionRecord,
  ReviewState,
  SessionDetail,
  SessionLine,
  SessionSummary,
} from './types.ts';

/** Options of {@link ReviewService}. */
export interface ReviewServiceOptions {
  engines: EngineHolder;
  tables: ReviewTables;
  /** The directory, as of now (a cached file or table). */
  directory: () => Promise<DirectoryEntry[]>;
  /** Managers also see their reports' reports. Default false. */
  transitive?: boolean;
  /** Minutes of the principal's API calls shown before a session. Default 60. */
  contextWindowMinutes?: number;
  /** Most context calls shown. Default 500. */
  contextLimit?: number;
  /** Default span of the list when no `from` is given. Default 90 days. */
  defaultListDays?: number;
  /**
   * The longest a session can last (Session Manager's `maxSessionDuration` is at most 1,440 minutes):
   * no keystroke line of a session without a TerminateSession is searched for later. Default 24.
   */
  maxSessionHours?: number;
  now?: () => Date;
}

/** Filters of {@link ReviewService.list}. */
export interface ListFilters {
  from?: Date;
  to?: Date;
  account?: string;
  state?: ReviewState;
  cursor?: Cursor;
  limit: number;
}

const DAY_MS = 86_400_000;
const day = (d: Date) => d.toISOString().slice(0, 10);

/**
 * Session review over the lake: a manager's team's sessions (from the directory), one session with
 * its lines and context, and decisions. A session outside the caller's team throws the same
 * {@link SessionNotFoundError} as one that does not exist; only its `context.reason` (for the access
 * log) tells them apart.
 */
export class ReviewService {
  readonly #o: Required<Omit<ReviewServiceOptions, 'now'>> & { now: () => Date };
  #lastDecisionMs = 0;

  constructor(opts: ReviewServiceOptions) {
    this.#o = {
      ...opts,
      transitive: opts.transitive ?? false,
      contextWindowMinutes: opts.contextWindowMinutes ?? 60,
      contextLimit: opts.contextLimit ?? 500,
      defaultListDays: opts.defaultListDays ?? 90,
      maxSessionHours: opts.maxSessionHours ?? 24,
      now: opts.now ?? (() => new Date()),
    };
  }

  async team(caller: Caller): Promise<Set<string>> {
    return teamOf(await this.#o.directory(), caller.identity, this.#o.transitive);
  }

  /** The caller's team's sessions, newest first, one page. */
  async list(
    caller: Caller,
    f: ListFilters,
  ): Promise<{ sessions: SessionSummary[]; nextCursor: string | null }> {
    const team = [...(await this.team(caller))].sort();
    if (team.length === 0) return { sessions: [], nextCursor: null };
    const now = this.#o.now();
    const to = f.to ?? new Date(now.getTime() + 1);
    const from = f.from ?? new Date(to.getTime() - this.#o.defaultListDays * DAY_MS);
    const { sql, params } = sessionListSql({
      now: sqlTimestamp(now),
      fromDay: day(from),
      toDay: day(to),
      from: sqlTimestamp(from),
      to: sqlTimestamp(to),
      account: f.account,
      state: f.state,
      team,
      after: f.cursor
        ? { startTime: sqlTimestamp(new Date(f.cursor.startTime)), ref: f.cursor.ref }
        : undefined,
      limit: f.limit + 1,
    });
    return this.#o.engines.use(async (engine) => {
      const rows = (await engine.query(sql, params)).rows;
      const page = rows.slice(0, f.limit);
      const counts = new Map<string, number>();
      const ids = page.map((r) => r.sessionid).filter((s): s is string => typeof s === 'string');
      if (ids.length > 0) {
        const firstDay = page.map((r) => String(r.calendarday)).sort()[0]!;
        const c = await engine.query(lineCountsSql(ids.length), [firstDay, ...ids]);
        for (const r of c.rows) counts.set(String(r.sessionid), Number(r.log_events));
      }
      const sessions = page.map((r) => toSummary(r, counts.get(String(r.sessionid)) ?? 0));
      const last = sessions[sessions.length - 1];
      const nextCursor =
        rows.length > f.limit && last ? encodeCursor({ startTime: last.startTime, ref: last.id }) : null;
      return { sessions, nextCursor };
    });
  }

  /** One session of the caller's team with its lines, context and decisions. */
  async get(caller: Caller, ref: string): Promise<SessionDetail> {
    return this.#o.engines.use(async (engine) => {
      const row = await this.#visible(caller, ref);
      const startDay = String(row.calendarday);
      const sessionId = typeof row.sessionid === 'string' ? row.sessionid : undefined;
      const lines: SessionLine[] = [];
      let logEvents = 0;
      let end = new Date(iso(row.start_time));
      if (sessionId !== undefined) {
        const ended = (await engine.query(SESSION_END_SQL, [sessionId, startDay])).rows[0]?.ended_at;
        // No line is logged after the session ends, and none after Session Manager's longest
        // session: the lines' days are bounded, so only those days' CloudWatch files are read.
        const latest = new Date(iso(row.start_time)).getTime() + this.#o.maxSessionHours * 3_600_000;
        const lastDay = day(new Date(ended == null ? latest : Math.min(latest, Date.parse(iso(ended)))));
        const rows = (await engine.query(SESSION_LINES_SQL, [sessionId, startDay, lastDay])).rows;
        const raw = new Map<string, unknown>();
        if (rows.some((r) => r.sessiondata == null)) {
          for (const r of (await engine.query(SESSION_RAW_MESSAGES_SQL, [sessionId, startDay, lastDay])).rows)
            raw.set(String(r.logeventid), r.message);
        }
        for (const r of rows) {
          const time = iso(r.eventtime);
          logEvents++;
          const text = r.sessiondata ?? raw.get(String(r.logeventid));
          for (const line of String(text ?? '').split('\n')) lines.push({ time, text: line });
          if (new Date(time) > end) end = new Date(time);
        }
        if (ended != null && new Date(iso(ended)) > end) end = new Date(iso(ended));
      }
      const start = new Date(iso(row.start_time));
      const from = new Date(start.getTime() - this.#o.contextWindowMinutes * 60_000);
      let calls: SessionDetail['context']['calls'] = [];
      let truncated = false;
      const arn = typeof row.principal_arn === 'string' ? row.principal_arn : undefined;
      if (arn !== undefined) {
        const limit = this.#o.contextLimit;
        const r = await engine.query(SESSION_CONTEXT_SQL, [
          day(from),
          day(end),
          sqlTimestamp(from),
          sqlTimestamp(end),
          String(row.eventid),
          arn,
          arn.slice(arn.lastIndexOf('/') + 1),
          typeof row.source_identity === 'string' && row.source_identity !== '' ? row.source_identity : null,
          limit + 1,
        ]);
        calls = r.rows.slice(0, limit).map(toContextCall);
        truncated = r.rows.length > limit;
      }
      const decisions = (await engine.query(DECISIONS_SQL, [String(row.session_ref)])).rows.map(toDecision);
      return {
        session: toSummary(row, logEvents),
        endTime: end.toISOString(),
        lines,
        context: { from: from.toISOString(), to: end.toISOString(), calls, truncated },
        decisions,
      };
    });
  }

  /** The plain-text transcript: one line per keystroke line, with its time. */
  async transcript(caller: Caller, ref: string): Promise<string> {
    const detail = await this.get(caller, ref);
    return detail.lines.map((l) => `${l.time}  ${l.text}\n`).join('');
  }

  /** Records a decision (append-only: a later one supersedes, never erases, an earlier one). */
  async decide(caller: Caller, ref: string, decision: Decision, comment: string): Promise<DecisionRecord> {
    const row = await this.#o.engines.use(() => this.#visible(caller, ref));
    const nowMs = Math.max(this.#o.now().getTime(), this.#lastDecisionMs + 1);
    this.#lastDecisionMs = nowMs;
    const at = new Date(nowMs);
    const record: DecisionRecord = {
      decisionId: randomUUID(),
      decision,
      comment,
      reviewer: caller.identity,
      decidedAt: at.toISOString(),
    };
    await this.#o.tables.reviews.append(
      [
        {
          decision_id: record.decisionId,
          session_ref: String(row.session_ref),
          decision,
          comment,
          reviewer: caller.identity,
          decided_at: at,
          decided_ms: nowMs,
        },
      ],
      at,
    );
    // The engine may have been opened before this table had an object or this partition.
    await this.#o.engines.invalidate();
    return record;
  }

  async #visible(caller: Caller, ref: string): Promise<Record<string, unknown>> {
    const row = await this.#o.engines.use(async (engine) => {
      const dayOf = async (sql: string) => {
        const d = (await engine.query(sql, [ref])).rows[0]?.calendarday;
        return typeof d === 'string' ? d : undefined;
      };
      const day = (await dayOf(SESSION_DAY_SQL)) ?? (await dayOf(FAILED_SESSION_DAY_SQL));
      if (day === undefined) return undefined;
      return (await engine.query(SESSION_ONE_SQL, [day, ref, ref, sqlTimestamp(this.#o.now())])).rows[0];
    });
    if (row === undefined) throw new SessionNotFoundError('session not found', { reason: 'not_found' });
    const team = await this.team(caller);
    if (typeof row.employee !== 'string' || !team.has(row.employee))
      throw new SessionNotFoundError('session not found', { reason: 'other_team' });
    return row;
  }
}
