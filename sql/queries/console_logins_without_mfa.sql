-- Console logins without MFA: ConsoleLogin events whose additionalEventData says MFAUsed "No",
-- with the outcome (Success or Failure) and where the login came from.
-- @param from_day day first calendar day (UTC), YYYY-MM-DD
-- @param to_day day last calendar day (UTC), YYYY-MM-DD
-- reads: from_cloudtrail_readready
SELECT
  eventtime, recipientaccountid AS account_id, useridentity_type AS identity_type,
  useridentity_arn AS principal_arn, sourceipaddress AS source_ip,
  json_extract_scalar(responseelements, '$.ConsoleLogin') AS outcome, errormessage AS error_message,
  eventid, source_key
FROM from_cloudtrail_readready
WHERE eventname = 'ConsoleLogin'
  AND json_extract_scalar(additionaleventdata, '$.MFAUsed') = 'No'
  AND calendarday BETWEEN :from_day AND :to_day
ORDER BY eventtime, eventid
