/**
 * The SQL of session review, in the subset DuckDB and Athena (Trino) share. Every value is a `?`
 * placeholder bound by the engine; the only text ever added is one of the fixed fragments below, and
 * the number of placeholders in an `IN (…)` list. Times are bound as `YYYY-MM-DD HH:MM:SS.mmm` UTC
 * text and cast, and every scan of a readready table is bounded by `calendarday` so Athena prunes
 * partitions.
 */
import { EMPLOYEE_IDENTITY_SQL } from './identity.ts';
import { REVIEWS_TABLE } from './reviewTables.ts';

/**
 * The session events extract of CloudTrail (`readready.extracts` of the built-in definition): the
 * StartSession, ResumeSession and TerminateSession rows, a few among millions, so finding a session
 * reads a small table instead of every CloudTrail row of its days.
 */
export const SESSIONS_TABLE = 'from_cloudtrail_sessions';

/** Days a manager has to review a session. */
export const REVIEW_DAYS = 7;

/** One row per StartSession (failed ones too, by their eventid), with its employee. */
const STARTS = (where: string) => `
starts AS (
  SELECT
    coalesce(sessionid, eventid) AS session_ref,
    min(eventtime) AS start_time,
    min_by(eventid, eventtime) AS eventid,
    min_by(sessionid, eventtime) AS sessionid,
    min_by(useridentity_arn, eventtime) AS principal_arn,
    min_by(useridentity_type, eventtime) AS principal_type,
    min_by(sourceidentity, eventtime) AS source_identity,
    min_by(recipientaccountid, eventtime) AS account_id,
    min_by(awsregion, eventtime) AS region,
    min_by(target, eventtime) AS target,
    min_by(sourceipaddress, eventtime) AS source_ip,
    min_by(useragent, eventtime) AS user_agent,
    min_by(errorcode, eventtime) AS error_code,
    min_by(errormessage, eventtime) AS error_message,
    min_by(calendarday, eventtime) AS calendarday
  FROM ${SESSIONS_TABLE}
  WHERE eventsource = 'ssm.amazonaws.com' AND eventname = 'StartSession' AND ${where}
  GROUP BY coalesce(sessionid, eventid)
),
owned AS (SELECT s.*, ${EMPLOYEE_IDENTITY_SQL} AS employee FROM starts s),
latest AS (
  SELECT session_ref, max_by(decision, decided_ms) AS decision, max(decided_at) AS decided_at,
    max_by(reviewer, decided_ms) AS reviewer
  FROM ${REVIEWS_TABLE}
  GROUP BY session_ref
),
reviewed AS (
  SELECT o.*, o.start_time + INTERVAL '${REVIEW_DAYS}' DAY AS due_at, l.decision, l.decided_at, l.reviewer,
    CASE
      WHEN l.decision IS NOT NULL THEN l.decision
      WHEN o.start_time + INTERVAL '${REVIEW_DAYS}' DAY < CAST(? AS TIMESTAMP) THEN 'overdue'
      ELSE 'pending'
    END AS state
  FROM owned o LEFT JOIN latest l ON l.session_ref = o.session_ref
)`;

/** Filters of the session list. */
export interface SessionListQuery {
  now: string;
  fromDay: string;
  toDay: string;
  from: string;
  to: string;
  account?: string;
  state?: string;
  team: string[];
  after?: { startTime: string; ref: string };
  limit: number;
}

/** The session list of a team: statement and parameters, newest first, keyset-paged. */
export function sessionListSql(q: SessionListQuery): { sql: string; params: (string | number)[] } {
  const params: (string | number)[] = [q.fromDay, q.toDay, q.from, q.to];
  let where =
    'calendarday >= ? AND calendarday <= ? AND eventtime >= CAST(? AS TIMESTAMP) AND eventtime < CAST(? AS TIMESTAMP)';
  if (q.account !== undefined) {
    where += ' AND recipientaccountid = ?';
    params.push(q.account);
  }
  params.push(q.now);
  const outer: string[] = [`employee IN (${q.team.map(() => '?').join(', ')})`];
  params.push(...q.team);
  if (q.state !== undefined) {
    outer.push('state = ?');
    params.push(q.state);
  }
  if (q.after !== undefined) {
    outer.push(
      '(start_time < CAST(? AS TIMESTAMP) OR (start_time = CAST(? AS TIMESTAMP) AND session_ref < ?))',
    );
    params.push(q.after.startTime, q.after.startTime, q.after.ref);
  }
  params.push(q.limit);
  const sql = `WITH ${STARTS(where)}
SELECT * FROM reviewed WHERE ${outer.join(' AND ')}
ORDER BY start_time DESC, session_ref DESC
LIMIT ?`;
  return { sql, params };
}

/**
 * The day of a session's StartSession, found by its session id (bind it), reading only the few small
 * columns the filter needs; {@link SESSION_ONE_SQL} then reads the wide row from that day alone.
 */
export const SESSION_DAY_SQL = `
SELECT min(calendarday) AS calendarday
FROM ${SESSIONS_TABLE}
WHERE eventsource = 'ssm.amazonaws.com' AND eventname = 'StartSession' AND sessionid = ?`;

/** The day of a StartSession without a session id (a failed one), by its eventid (bind it). */
export const FAILED_SESSION_DAY_SQL = `
SELECT min(calendarday) AS calendarday
FROM ${SESSIONS_TABLE}
WHERE eventsource = 'ssm.amazonaws.com' AND eventname = 'StartSession' AND sessionid IS NULL AND eventid = ?`;

/**
 * One session by its reference (sessionid, or the eventid of a StartSession without one) on its day.
 * Bind: day, reference, reference, now.
 */
export const SESSION_ONE_SQL = `WITH ${STARTS('calendarday = ? AND (sessionid = ? OR (sessionid IS NULL AND eventid = ?))')}
SELECT * FROM reviewed`;

/**
 * Keystroke lines of one session, in order: bind sessionid, first day, last day. `message` is left out: it
 * holds the whole agent JSON of every row, and reading it for a large session costs several times
 * the rest; {@link SESSION_RAW_MESSAGES_SQL} fetches it only for the rare rows without `sessiondata`.
 */
export const SESSION_LINES_SQL = `
SELECT eventtime, logeventid, sessiondata
FROM from_cloudwatch_readready
WHERE sessionid = ? AND calendarday >= ? AND calendarday <= ?
ORDER BY eventtime, logeventid`;

/** The messages of a session's rows that have no `sessiondata` (not JSON): bind sessionid, first and last day. */
export const SESSION_RAW_MESSAGES_SQL = `
SELECT logeventid, message
FROM from_cloudwatch_readready
WHERE sessionid = ? AND calendarday >= ? AND calendarday <= ? AND sessiondata IS NULL`;

/** Line counts of a page of sessions: add one `?` per session id. */
export function lineCountsSql(count: number): string {
  return `SELECT sessionid, count(*) AS log_events, min(eventtime) AS first_line_time, max(eventtime) AS last_line_time
FROM from_cloudwatch_readready
WHERE calendarday >= ? AND sessionid IN (${Array.from({ length: count }, () => '?').join(', ')})
GROUP BY sessionid`;
}

/** When a session was terminated: bind sessionid, first day. */
export const SESSION_END_SQL = `
SELECT max(eventtime) AS ended_at
FROM ${SESSIONS_TABLE}
WHERE eventsource = 'ssm.amazonaws.com' AND eventname = 'TerminateSession' AND sessionid = ? AND calendarday >= ?`;

/**
 * The principal's other API calls in a window, and the STS calls that created the principal: the
 * AssumeRoleWithSAML whose SAML user is the role session name, and the AssumeRole of a caller carrying
 * the same source identity (role chaining). Matched on small identity columns only: reading
 * `responseelements` (large JSON) to find the created ARN costs several times the rest of the query.
 * Bind: first day, last day, from, to, StartSession eventid, principal arn, role session name,
 * source identity, limit.
 */
export const SESSION_CONTEXT_SQL = `
SELECT eventtime, eventid, eventsource, eventname, awsregion, sourceipaddress, errorcode, useridentity_arn, readonly
FROM from_cloudtrail_readready
WHERE calendarday >= ? AND calendarday <= ?
  AND eventtime >= CAST(? AS TIMESTAMP) AND eventtime <= CAST(? AS TIMESTAMP)
  AND eventid <> ?
  AND (
    useridentity_arn = ?
    OR (eventsource = 'sts.amazonaws.com' AND eventname = 'AssumeRoleWithSAML' AND useridentity_username = ?)
    OR (eventsource = 'sts.amazonaws.com' AND eventname = 'AssumeRole' AND sourceidentity = ?)
  )
ORDER BY eventtime, eventid
LIMIT ?`;

/** Every decision on one session, oldest first: bind the session reference. */
export const DECISIONS_SQL = `
SELECT decision_id, decision, comment, reviewer, decided_at
FROM ${REVIEWS_TABLE}
WHERE session_ref = ?
ORDER BY decided_ms, decision_id`;
