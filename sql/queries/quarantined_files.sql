-- What was quarantined: every raw file a transform run quarantined in a time window, with the
-- reason and message, newest first.
-- @param from_time timestamp runs started from (UTC), YYYY-MM-DD HH:MM[:SS]
-- @param to_time timestamp runs started until (UTC), inclusive
-- reads: loglake_run_files
SELECT started_at, run_id, source, source_key, reason, message
FROM loglake_run_files
WHERE outcome = 'quarantined'
  AND started_at BETWEEN CAST(:from_time AS TIMESTAMP) AND CAST(:to_time AS TIMESTAMP)
ORDER BY started_at DESC, source_key
