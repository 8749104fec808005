/** Review state of a session: decided, or waiting (pending until its due date, then overdue). */
export type ReviewState = 'pending' | 'justified' | 'not_justified' | 'overdue';
export const REVIEW_STATES: readonly ReviewState[] = ['pending', 'justified', 'not_justified', 'overdue'];

/** A manager's decision on a session. */
export type Decision = 'justified' | 'not_justified';

/** One StartSession, as a manager reviews it. Times are ISO 8601 UTC. */
export interface SessionSummary {
  /** The session reference: the Session Manager session id, or the StartSession's eventid when it failed. */
  id: string;
  sessionId: string | null;
  eventId: string;
  startTime: string;
  dueAt: string;
  employee: string | null;
  principalArn: string | null;
  principalType: string | null;
  sourceIdentity: string | null;
  accountId: string | null;
  region: string | null;
  target: string | null;
  sourceIp: string | null;
  userAgent: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  state: ReviewState;
  decision: Decision | null;
  decidedAt: string | null;
  reviewer: string | null;
  /** CloudWatch log events of the session (each holds one or more lines). */
  logEvents: number;
}

/** One keystroke line (a line of the session's output stream) with the time of its log event. */
export interface SessionLine {
  time: string;
  text: string;
}

/** One API call of the principal around the session. */
export interface ContextCall {
  time: string;
  eventId: string;
  eventSource: string | null;
  eventName: string | null;
  region: string | null;
  sourceIp: string | null;
  errorCode: string | null;
  principalArn: string | null;
  readOnly: boolean | null;
}

/** A recorded decision. */
export interface DecisionRecord {
  decisionId: string;
  decision: Decision;
  comment: string;
  reviewer: string;
  decidedAt: string;
}

/** Everything a manager needs to review one session. */
export interface SessionDetail {
  session: SessionSummary;
  /** The session's end: the last of its last line and its TerminateSession (its start when neither). */
  endTime: string;
  lines: SessionLine[];
  context: { from: string; to: string; calls: ContextCall[]; truncated: boolean };
  decisions: DecisionRecord[];
}
