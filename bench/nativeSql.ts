import { literalFilePath } from '../lake/duckPaths.ts';
import { quoteLiteral } from '../lake/sqlQuote.ts';
import type { BenchSource } from './types.ts';

/** A CloudTrail record with the fields the readready columns need, typed so DuckDB infers nothing. */
const CLOUDTRAIL_RECORD =
  'STRUCT(eventVersion VARCHAR, userIdentity STRUCT(type VARCHAR, principalId VARCHAR, arn VARCHAR, ' +
  'accountId VARCHAR, accessKeyId VARCHAR, userName VARCHAR, invokedBy VARCHAR, sessionContext STRUCT(' +
  'sessionIssuer STRUCT(type VARCHAR, arn VARCHAR, userName VARCHAR), attributes STRUCT(mfaAuthenticated VARCHAR), ' +
  'sourceIdentity VARCHAR)), eventTime VARCHAR, eventSource VARCHAR, eventName VARCHAR, awsRegion VARCHAR, ' +
  'sourceIPAddress VARCHAR, userAgent VARCHAR, errorCode VARCHAR, errorMessage VARCHAR, requestParameters JSON, ' +
  'responseElements JSON, additionalEventData JSON, requestID VARCHAR, eventID VARCHAR, readOnly VARCHAR, ' +
  'resources JSON, eventType VARCHAR, managementEvent VARCHAR, recipientAccountId VARCHAR, eventCategory VARCHAR)';

/** The fields of a Session Manager message the readready columns need (DESIGN §6). */
const SESSION_MESSAGE =
  '{"sessionId":"VARCHAR","target":{"id":"VARCHAR"},"runAsUser":"VARCHAR","userIdentity":{"arn":"VARCHAR"},' +
  '"sessionData":"VARCHAR[]"}';

/** Where the files are and how big a JSON document DuckDB must accept. */
export interface NativeInput {
  /** Data set folder; `source_key` is a file's path relative to it, like loglake's raw key. */
  root: string;
  keys: readonly string[];
  /** Bytes; DuckDB allocates read buffers of this size, so fit it to the largest document. */
  maximumObjectSize: number;
}

function fileList(input: NativeInput): string {
  return `[${input.keys.map((k) => literalFilePath(`${input.root}/${k}`)).join(', ')}]`;
}

/** `source_key` from DuckDB's `filename` column: the path after `<root>/` (substr is 1-based). */
function sourceKey(input: NativeInput): string {
  return `substr(filename, ${[...input.root].length + 2})`;
}

function cloudtrailSelect(input: NativeInput): string {
  const time = 'CAST(r.eventTime AS TIMESTAMP)';
  const ssm = "r.eventSource = 'ssm.amazonaws.com'";
  return `
SELECT ${time} AS eventtime, r.eventID AS eventid, r.eventVersion AS eventversion,
  r.eventSource AS eventsource, r.eventName AS eventname, r.eventType AS eventtype,
  r.eventCategory AS eventcategory, r.awsRegion AS awsregion, r.recipientAccountId AS recipientaccountid,
  r.sourceIPAddress AS sourceipaddress, r.userAgent AS useragent, r.errorCode AS errorcode,
  r.errorMessage AS errormessage, CAST(r.readOnly AS BOOLEAN) AS readonly,
  CAST(r.managementEvent AS BOOLEAN) AS managementevent, r.requestID AS requestid,
  r.userIdentity.type AS useridentity_type, r.userIdentity.principalId AS useridentity_principalid,
  r.userIdentity.arn AS useridentity_arn, r.userIdentity.accountId AS useridentity_accountid,
  r.userIdentity.accessKeyId AS useridentity_accesskeyid, r.userIdentity.userName AS useridentity_username,
  r.userIdentity.invokedBy AS useridentity_invokedby,
  r.userIdentity.sessionContext.sessionIssuer.type AS sessionissuer_type,
  r.userIdentity.sessionContext.sessionIssuer.arn AS sessionissuer_arn,
  r.userIdentity.sessionContext.sessionIssuer.userName AS sessionissuer_username,
  r.userIdentity.sessionContext.sourceIdentity AS sourceidentity,
  CAST(r.userIdentity.sessionContext.attributes.mfaAuthenticated AS BOOLEAN) AS mfaauthenticated,
  CASE WHEN ${ssm} AND r.eventName IN ('StartSession', 'ResumeSession')
         THEN json_extract_string(r.responseElements, '$.sessionId')
       WHEN ${ssm} AND r.eventName = 'TerminateSession'
         THEN json_extract_string(r.requestParameters, '$.sessionId') END AS sessionid,
  CASE WHEN ${ssm} THEN json_extract_string(r.requestParameters, '$.target') END AS target,
  CAST(r.requestParameters AS VARCHAR) AS requestparameters,
  CAST(r.responseElements AS VARCHAR) AS responseelements,
  CAST(r.additionalEventData AS VARCHAR) AS additionaleventdata,
  CAST(r.resources AS VARCHAR) AS resources,
  ${sourceKey(input)} AS source_key,
  strftime(${time}, '%Y-%m-%d') AS calendarday
FROM (
  SELECT filename, unnest(Records) AS r
  FROM read_json(${fileList(input)}, format = 'auto', compression = 'gzip', filename = true,
    maximum_object_size = ${input.maximumObjectSize}, columns = {Records: '${CLOUDTRAIL_RECORD}[]'})
)`;
}

function cloudwatchSelect(input: NativeInput): string {
  const time = 'make_timestamp(e.timestamp * 1000)';
  return `
SELECT ${time} AS eventtime, e.id AS logeventid, owner, logGroup AS loggroup, logStream AS logstream,
  e.message AS message,
  coalesce(m.sessionId, CASE WHEN logGroup = '/aws/ssm/sessionlogs' THEN logStream END) AS sessionid,
  array_to_string(m.sessionData, chr(10)) AS sessiondata, m.target.id AS target, m.runAsUser AS runasuser,
  m.userIdentity.arn AS useridentity_arn,
  ${sourceKey(input)} AS source_key,
  strftime(${time}, '%Y-%m-%d') AS calendarday
FROM (
  SELECT *,
    CASE WHEN starts_with(e.message, '{') AND json_valid(e.message)
      THEN from_json(e.message, '${SESSION_MESSAGE}') END AS m
  FROM (
    SELECT filename, owner, logGroup, logStream, unnest(logEvents) AS e
    FROM read_json(${fileList(input)}, format = 'unstructured', compression = 'gzip', filename = true,
      maximum_object_size = ${input.maximumObjectSize},
      columns = {messageType: 'VARCHAR', owner: 'VARCHAR', logGroup: 'VARCHAR', logStream: 'VARCHAR',
        logEvents: 'STRUCT(id VARCHAR, "timestamp" BIGINT, message VARCHAR)[]'})
    WHERE messageType = 'DATA_MESSAGE'
  )
)`;
}

/**
 * DuckDB doing loglake's job natively: one `SELECT` over the raw gzip JSON files (with
 * `compression = 'gzip'` given explicitly, because DuckDB detects it by suffix) that unnests
 * CloudTrail `Records` or CloudWatch `DATA_MESSAGE` `logEvents` and projects them to the same
 * readready columns as the built-in source definitions, plus `calendarday`. Hand-written for the two
 * built-in sources; the bench also uses it as the "raw" side of the auditor queries.
 */
export function nativeSelect(source: BenchSource, input: NativeInput): string {
  return source === 'cloudtrail' ? cloudtrailSelect(input) : cloudwatchSelect(input);
}

/** `COPY` of {@link nativeSelect} to ZSTD Parquet in `calendarday=…` folders under `outDir`. */
export function nativeCopy(source: BenchSource, input: NativeInput, outDir: string): string {
  return (
    `COPY (${nativeSelect(source, input)}) TO ${quoteLiteral(outDir)} ` +
    '(FORMAT parquet, COMPRESSION zstd, PARTITION_BY (calendarday))'
  );
}
