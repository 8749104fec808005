import { createViewSql, SESSION_REVIEW } from '../lake/views.ts';

/** The `session_review` view's CREATE statement (see {@link SESSION_REVIEW}). */
export const SESSION_REVIEW_VIEW = createViewSql(SESSION_REVIEW);

/** The detail of one session: its keystroke lines in order. Bind the session id. */
export const SESSION_LINES_SQL = `
SELECT eventtime, logeventid, loggroup, logstream, target, runasuser, useridentity_arn, sessiondata, message
FROM from_cloudwatch_readready
WHERE sessionid = ?
ORDER BY eventtime, logeventid
`;

/** One session's review row. Bind the session id. */
export const SESSION_REVIEW_ONE_SQL = 'SELECT * FROM session_review WHERE sessionid = ?';

/** One review row by `review_id` (the session id, or the eventid of a StartSession without one). */
export const SESSION_REVIEW_BY_ID_SQL = 'SELECT * FROM session_review WHERE review_id = ?';
