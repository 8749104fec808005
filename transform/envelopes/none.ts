import { DecodeError } from '../../lake/errors.ts';
import { quoteLiteral } from '../../lake/sqlQuote.ts';
import { compilePath } from '../decoders/js/project.ts';
import { accessor, duckType, q, SqlPlanUnsupported } from '../decoders/sql/sqlPaths.ts';
import { type Envelope, isObject } from './envelope.ts';

/**
 * `envelope: none`: each document is an event, or holds its events in the array at `records`
 * (CloudTrail: `{"Records": […]}`). A document without that array is an `unknown_envelope`.
 */
export const none: Envelope = {
  streamsRecords: true,

  reader(decode, mode) {
    const recordsAt =
      mode.kind === 'documents' && decode.records !== undefined ? compilePath(decode.records) : undefined;
    if (recordsAt === undefined) return (doc, _index, out) => out.event(isObject(doc) ? doc : { value: doc });
    return (doc, index, out) => {
      const records = isObject(doc) ? recordsAt(doc) : undefined;
      if (!Array.isArray(records)) {
        throw new DecodeError('unknown_envelope', `document ${index} has no ${decode.records} array`);
      }
      for (const r of records) out.event(isObject(r) ? r : { value: r });
    };
  },

  sql(source, tree) {
    const decode = source.decode;
    const value = (steps: readonly string[], want: 'varchar' | 'json') => accessor('ev.r', tree, steps, want);
    if (decode.records !== undefined) {
      const records = q(decode.records);
      return {
        docColumns: `{${quoteLiteral(decode.records)}: ${quoteLiteral(`${duckType(tree)}[]`)}}`,
        // CASE, not coalesce: coalesce copies the whole list of records (4× the unnest's time).
        unnest: `SELECT file, false AS doc_control, ${records} IS NULL AS doc_unknown,
      unnest(CASE WHEN ${records} IS NULL THEN [NULL] ELSE ${records} END) AS r FROM %DOCS%`,
        value,
        noEvent: 'ev.r IS NULL',
      };
    }
    if (tree.leaf !== undefined) throw new SqlPlanUnsupported('the whole document read as a value');
    return {
      docColumns: `{${[...tree.children].map(([name, n]) => `${quoteLiteral(name)}: ${quoteLiteral(duckType(n))}`).join(', ')}}`,
      unnest: `SELECT file, false AS doc_control, false AS doc_unknown,
      struct_pack(${[...tree.children.keys()].map((n) => `${q(n)} := ${q(n)}`).join(', ')}) AS r FROM %DOCS%`,
      value,
      noEvent: 'ev.r IS NULL',
    };
  },
};
