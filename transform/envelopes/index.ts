import type { SourceDefinition } from '../../sources/loader.ts';
import type { EnvelopeKind } from '../../sources/schema.ts';
import { cloudwatchLogs } from './cloudwatchLogs.ts';
import type { Envelope } from './envelope.ts';
import { none } from './none.ts';

export type { DocumentReader, Envelope, EnvelopeOut, EnvelopeSql } from './envelope.ts';

/**
 * Every envelope a source definition can name (`decode.envelope`), each with its JavaScript and
 * its SQL part. Keyed by the schema's list of kinds ({@link EnvelopeKind}), so a kind without an
 * implementation, or an implementation without a kind, does not compile. To add an envelope: one
 * file beside these (with both parts), its name in `ENVELOPE_KINDS` (sources/schema.ts), one line
 * here, and its fixture in `test/transform/envelopes.test.ts`.
 */
export const ENVELOPES: Readonly<Record<EnvelopeKind, Envelope>> = {
  none,
  cloudwatch_logs: cloudwatchLogs,
};

/** The envelope of a source. */
export function envelopeOf(source: Pick<SourceDefinition, 'decode'>): Envelope {
  return ENVELOPES[source.decode.envelope];
}
