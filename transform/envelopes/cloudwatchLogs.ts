import { DecodeError } from '../../lake/errors.ts';
import { quoteLiteral } from '../../lake/sqlQuote.ts';
import { messageFields } from '../decoders/js/framings/messageFields.ts';
import { hasLoneSurrogateEscape, parseJson } from '../decoders/js/jsonText.ts';
import {
  accessor,
  duckType,
  isJsonString,
  jsonStructure,
  type PathNode,
  q,
  SqlPlanUnsupported,
  textOf,
} from '../decoders/sql/sqlPaths.ts';
import { type Envelope, isObject } from './envelope.ts';

/** Fields of the envelope every log event carries. */
const ENVELOPE_FIELDS = new Set(['owner', 'logGroup', 'logStream']);
/** Fields of each log event. */
const LOG_EVENT_FIELDS = new Set(['id', 'timestamp', 'message']);

/**
 * `envelope: cloudwatch_logs`: CloudWatch Logs subscription documents (what Firehose delivers). A
 * `DATA_MESSAGE` gives one event per `logEvents[i]`, `{ owner, logGroup, logStream, id, timestamp,
 * message, msg }`; `msg` is the message parsed as JSON (`parse_message`, a Session Manager message;
 * one that is not JSON stays text and is no error) or read by `line_pattern` (`message_format:
 * text`). A `CONTROL_MESSAGE` is one skipped event (`control_message`); anything else is an
 * `unknown_envelope`.
 */
export const cloudwatchLogs: Envelope = {
  streamsRecords: false,
  // Its first byte then tells a string (the only message the projector parses) from any other
  // value, so neither the session message's parse nor the message column's exactness check needs
  // a regular expression.
  readAsJson: ['message'],

  reader(decode) {
    return (doc, index, out) => {
      if (!isObject(doc)) throw new DecodeError('unknown_envelope', `document ${index} is not an object`);
      if (doc.messageType === 'CONTROL_MESSAGE') {
        out.skip('control_message');
        return;
      }
      if (doc.messageType !== 'DATA_MESSAGE' || !Array.isArray(doc.logEvents)) {
        throw new DecodeError('unknown_envelope', `document ${index} is not a CloudWatch Logs DATA_MESSAGE`, {
          messageType:
            typeof doc.messageType === 'string' ? doc.messageType.slice(0, 40) : typeof doc.messageType,
        });
      }
      const { owner, logGroup, logStream } = doc;
      for (const le of doc.logEvents as unknown[]) {
        const logEvent = isObject(le) ? le : {};
        const message = logEvent.message;
        let msg: unknown;
        // A Session Manager message is itself JSON; one that is not stays as text and is no error.
        if (
          decode.parse_message &&
          typeof message === 'string' &&
          message.charCodeAt(0) === 0x7b &&
          !hasLoneSurrogateEscape(message)
        ) {
          try {
            msg = parseJson(message);
          } catch {
            msg = undefined;
          }
        } else if (decode.message_format === 'text') msg = messageFields(message, decode);
        out.event({
          owner,
          logGroup,
          logStream,
          id: logEvent.id,
          timestamp: logEvent.timestamp,
          message,
          msg,
        });
      }
    };
  },

  sql(source, tree) {
    const decode = source.decode;
    if (decode.records !== undefined) throw new SqlPlanUnsupported('records inside CloudWatch envelopes');
    const msg = tree.children.get('msg');
    const logEvent: PathNode = { children: new Map() };
    for (const name of LOG_EVENT_FIELDS) {
      const n = tree.children.get(name);
      logEvent.children.set(name, n ? { ...n } : { children: new Map(), leaf: 'varchar' });
    }
    // The message is read as JSON (`readAsJson`), so the tree holds it as a JSON leaf.
    if (logEvent.children.get('message')!.children.size > 0)
      throw new SqlPlanUnsupported('fields below message');
    const envelope = [...ENVELOPE_FIELDS].map((name) => {
      const n = tree.children.get(name);
      return `${quoteLiteral(name)}: ${quoteLiteral(n ? duckType(n) : 'VARCHAR')}`;
    });
    const docColumns = `{'messageType': 'VARCHAR', ${envelope.join(', ')}, 'logEvents': ${quoteLiteral(`${duckType(logEvent)}[]`)}}`;
    const text = q('message_text');
    const parsed =
      decode.parse_message && msg !== undefined
        ? // One parse: TRY gives NULL for a message that is not JSON (the projector keeps it as text),
          // where json_valid first would parse every message twice.
          `CASE WHEN starts_with(${text}, '{') THEN TRY(from_json(${text}, ${quoteLiteral(JSON.stringify(jsonStructure(msg)))})) END`
        : 'NULL';
    const mt = q('messageType');
    const data = `${mt} = 'DATA_MESSAGE' AND ${q('logEvents')} IS NOT NULL`;
    // Every document yields rows: its log events, or one flagged row (a CONTROL_MESSAGE, or an
    // unknown envelope that sends its file to the JavaScript decoder).
    // A string message unescaped once, for the session message's parse and the message column.
    const unnest = `SELECT d.*, ${parsed} AS msg FROM (
      SELECT *, CASE WHEN ${isJsonString(`e.${q('message')}`)} THEN json_extract_string(e.${q('message')}, '$') END AS ${text}
      FROM (SELECT file, coalesce(${mt} = 'CONTROL_MESSAGE', false) AS doc_control,
        NOT coalesce(${mt} = 'CONTROL_MESSAGE' OR (${data}), false) AS doc_unknown,
        ${q('owner')}, ${q('logGroup')}, ${q('logStream')},
        unnest(CASE WHEN ${data} THEN ${q('logEvents')} ELSE [NULL] END) AS e
      FROM %DOCS%)) d`;
    return {
      docColumns,
      unnest,
      value(steps, want) {
        const [head, ...rest] = steps as [string, ...string[]];
        if (ENVELOPE_FIELDS.has(head) || LOG_EVENT_FIELDS.has(head)) {
          if (rest.length > 0) return 'NULL'; // a property of a string is undefined in JavaScript too
          const base = ENVELOPE_FIELDS.has(head) ? `ev.${q(head)}` : `ev.e.${q(head)}`;
          const node = ENVELOPE_FIELDS.has(head) ? tree.children.get(head)! : logEvent.children.get(head)!;
          if (node.leaf === 'json' && want === 'varchar') return textOf(base);
          return base;
        }
        if (head === 'msg' && msg !== undefined && decode.parse_message) {
          if (rest.length === 0) throw new SqlPlanUnsupported('msg read whole');
          return accessor('ev.msg', msg, rest, want);
        }
        return 'NULL';
      },
      text(steps) {
        // The text a string message unescaped to, or the JSON text of any other value (`textOf`).
        return steps.length === 1 && steps[0] === 'message'
          ? `coalesce(ev.${text}, CAST(ev.e.${q('message')} AS VARCHAR))`
          : undefined;
      },
      noEvent: 'ev.e IS NULL',
    };
  },
};
