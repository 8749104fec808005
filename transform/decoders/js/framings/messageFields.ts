import type { SourceDefinition } from '../../../../sources/loader.ts';
import { lineReader } from './textLines.ts';

/**
 * The `msg` of a CloudWatch Logs log event whose `message` is text (`message_format: text`): the
 * named captures of `line_pattern`, or `undefined` when it does not match (the row keeps its raw
 * `message`, and its `msg.*` columns are NULL, as for a non-JSON message with `parse_message`).
 */
export function messageFields(message: unknown, decode: SourceDefinition['decode']): unknown {
  if (decode.message_format !== 'text' || typeof message !== 'string') return undefined;
  return lineReader(decode)(message);
}
