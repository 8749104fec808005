-- Were all files of a day processed? Every raw file whose raw partition falls on the day, with the
-- run that processed it and its outcome (processed, or quarantined with the reason). Compare the
-- count with the raw bucket's listing of that day.
-- @param day day the raw partition's day (UTC), YYYY-MM-DD
-- reads: loglake_run_files
SELECT source, outcome, reason, count(*) AS files, min(run_id) AS first_run, max(run_id) AS last_run
FROM loglake_run_files
WHERE raw_day = :day
GROUP BY source, outcome, reason
ORDER BY source, outcome, reason
