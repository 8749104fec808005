-- Sessions with no keystroke lines: StartSessions that succeeded (they have a session id and no
-- error) but have no CloudWatch lines, so streaming was off or the lines were lost.
-- @param from_day day first calendar day (UTC), YYYY-MM-DD
-- @param to_day day last calendar day (UTC), YYYY-MM-DD
-- reads: session_review
SELECT review_id, sessionid, start_time, principal_arn, account_id, region, target, source_key
FROM session_review
WHERE sessionid IS NOT NULL AND error_code IS NULL AND line_count = 0
  AND calendarday BETWEEN :from_day AND :to_day
ORDER BY start_time, review_id
