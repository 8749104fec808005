import type { ContextCall, Decision, DecisionRecord, ReviewState, SessionSummary } from './types.ts';

/** ISO 8601 UTC text of a query value (a Date from either engine, or text). */
export function iso(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  const d = new Date(String(value));
  return Number.isNaN(d.getTime()) ? String(value) : d.toISOString();
}

const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

/** A row of the session queries as a {@link SessionSummary}. */
export function toSummary(r: Record<string, unknown>, logEvents = 0): SessionSummary {
  return {
    id: String(r.session_ref),
    sessionId: str(r.sessionid),
    eventId: String(r.eventid),
    startTime: iso(r.start_time),
    dueAt: iso(r.due_at),
    employee: str(r.employee),
    principalArn: str(r.principal_arn),
    principalType: str(r.principal_type),
    sourceIdentity: str(r.source_identity),
    accountId: str(r.account_id),
    region: str(r.region),
    target: str(r.target),
    sourceIp: str(r.source_ip),
    userAgent: str(r.user_agent),
    errorCode: str(r.error_code),
    errorMessage: str(r.error_message),
    state: String(r.state) as ReviewState,
    decision: (str(r.decision) as Decision | null) ?? null,
    decidedAt: r.decided_at == null ? null : iso(r.decided_at),
    reviewer: str(r.reviewer),
    logEvents,
  };
}

export function toContextCall(r: Record<string, unknown>): ContextCall {
  return {
    time: iso(r.eventtime),
    eventId: String(r.eventid),
    eventSource: str(r.eventsource),
    eventName: str(r.eventname),
    region: str(r.awsregion),
    sourceIp: str(r.sourceipaddress),
    errorCode: str(r.errorcode),
    principalArn: str(r.useridentity_arn),
    readOnly: typeof r.readonly === 'boolean' ? r.readonly : null,
  };
}

export function toDecision(r: Record<string, unknown>): DecisionRecord {
  return {
    decisionId: String(r.decision_id),
    decision: String(r.decision) as Decision,
    comment: String(r.comment ?? ''),
    reviewer: String(r.reviewer),
    decidedAt: iso(r.decided_at),
  };
}
