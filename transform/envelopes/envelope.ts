import type { SourceDefinition } from '../../sources/loader.ts';
import type { CutMode } from '../decoders/js/jsonCutter.ts';
import type { Event } from '../decoders/js/project.ts';
import type { Mode, PathNode } from '../decoders/sql/sqlPaths.ts';

type Decode = SourceDefinition['decode'];

/** Where an envelope's JavaScript part puts what it finds in a document. */
export interface EnvelopeOut {
  /** One event, to be projected into a row (or skipped or quarantined by the projector). */
  event(event: Event): void;
  /** A document that holds no event but counts as one skipped event (a CONTROL_MESSAGE, say). */
  skip(reason: string): void;
}

/**
 * Reads the events of one parsed document (`index`: its position in the file, for messages). A
 * document that is not of the envelope's shape throws `DecodeError` `unknown_envelope`, and the
 * caller quarantines the whole file.
 */
export type DocumentReader = (doc: unknown, index: number, out: EnvelopeOut) => void;

/** An envelope's part of a source's SQL plan: how DuckDB gets from documents to events. */
export interface EnvelopeSql {
  /** The `columns` argument of `read_json`: the typed shape of a document. */
  docColumns: string;
  /**
   * From documents (`%DOCS%`, with a `file` column): one row per event, with `file`, the flags
   * `doc_control` and `doc_unknown`, and the event's fields, plus one flagged row per document that
   * holds no event. Read as `ev`.
   */
  unnest: string;
  /** SQL for the value at `steps` of an event (`ev`), as JSON or as text. */
  value(steps: readonly string[], want: Mode): string;
  /**
   * SQL for the text of the JSON value at `steps` as the JavaScript projector reads it (`textOf`),
   * where the envelope has computed it already; `undefined` where it has not.
   */
  text?(steps: readonly string[]): string | undefined;
  /** True on a row (`ev`) that holds no event. */
  noEvent: string;
}

/**
 * One envelope (`decode.envelope` of a source definition): how the documents of a file wrap its
 * events, in both decoders. The JavaScript part reads parsed documents; the SQL part compiles the
 * same reading into the source's SQL plan. Both must give the same events, so both decoders give
 * the same rows (`test/transform/envelopes.test.ts` checks every envelope with every decoder).
 */
export interface Envelope {
  /**
   * The JavaScript part: the reader of one source's documents, compiled once per file decoder.
   * `mode` is how the file is cut (a `records` cut already hands single records, never documents).
   */
  reader(decode: Decode, mode: CutMode): DocumentReader;
  /** Whether the cutter may stream a top-level records array record by record for this envelope. */
  readonly streamsRecords: boolean;
  /**
   * Event fields the SQL part always reads as JSON, whatever the definition reads them as; the
   * plan then reads them as JSON everywhere (its path tree holds them so).
   */
  readonly readAsJson?: readonly string[];
  /**
   * The SQL part, from the tree of paths the definition reads; throws `SqlPlanUnsupported` for a
   * shape it does not compile (the JavaScript decoder then takes the whole source).
   */
  sql(source: SourceDefinition, tree: PathNode): EnvelopeSql;
}

/** Whether a value is a JSON object (not an array). */
export const isObject = (v: unknown): v is Event => typeof v === 'object' && v !== null && !Array.isArray(v);
