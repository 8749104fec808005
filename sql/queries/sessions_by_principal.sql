-- Sessions started by one principal in a day range: every StartSession of that principal (denied
-- and failed ones included), with its target, error and the count of its keystroke lines.
-- @param principal string the principal's ARN (useridentity_arn of its StartSession)
-- @param from_day day first calendar day (UTC), YYYY-MM-DD
-- @param to_day day last calendar day (UTC), YYYY-MM-DD
-- reads: session_review
SELECT review_id, sessionid, start_time, account_id, region, target, source_ip, error_code, line_count
FROM session_review
WHERE principal_arn = :principal AND calendarday BETWEEN :from_day AND :to_day
ORDER BY start_time, review_id
