import type { SourceDefinition } from '../../../sources/loader.ts';
import type { ChunkDecoder, DecoderDeps, DecoderEntry } from '../chunkDecoder.ts';
import { closeChunk, InProcessEngine } from '../js/decodeEngine.ts';
import { decodeChunkSql } from './decodeChunkSql.ts';
import { compileSqlPlan, type SqlPlan, SqlPlanUnsupported } from './sqlPlan.ts';

const plansOf = new WeakMap<readonly SourceDefinition[], Map<string, SqlPlan>>();

/** The SQL plans of the sources that have one (compiled once per source list). */
function sqlPlans(sources: readonly SourceDefinition[]): Map<string, SqlPlan> {
  let plans = plansOf.get(sources);
  if (plans === undefined) {
    plans = new Map();
    for (const s of sources) {
      try {
        plans.set(s.name, compileSqlPlan(s));
      } catch (err) {
        // A shape the SQL engine does not cover: the JavaScript decoder handles the whole source.
        if (!(err instanceof SqlPlanUnsupported)) throw err;
      }
    }
    plansOf.set(sources, plans);
  }
  return plans;
}

/**
 * The DuckDB decoder: DuckDB reads and projects each chunk by SQL generated from the source
 * definitions ({@link decodeChunkSql}), and the JavaScript decoder, on the calling thread, takes
 * only the files DuckDB sets aside (corrupt, odd values) and the sources without a plan, so
 * quarantine reasons stay exact. Worker threads would cost more to start than they save here.
 */
export function createSqlDecoder(deps: DecoderDeps): ChunkDecoder {
  const engine = new InProcessEngine(deps.dir, deps.maxUncompressedBytes);
  return {
    async decode(files, chunk, onFile) {
      // DuckDB runs the chunk on its own threads; the sink's write of the last chunk is done by now.
      await deps.duckIdle();
      const r = await decodeChunkSql(
        {
          duck: deps.duck,
          localPath: deps.localPath,
          dir: deps.dir,
          read: deps.read,
          plans: sqlPlans(deps.sources),
          maxRawObjectBytes: deps.maxRawObjectBytes,
          engine,
          prefetch: deps.prefetch,
          stages: deps.stages,
        },
        files,
        `${deps.batchId.slice(0, 12)}_${chunk.index}`,
      );
      for (const o of r.outcomes) onFile(o);
      return {
        spools: await closeChunk(engine, chunk.last, deps.stages),
        sqlRows: r.sqlRows,
        duck: deps.duck,
      };
    },
    abort: () => engine.abort(),
  };
}

/** The `duckdb` entry of the decoder registry. */
export const sqlDecoder: DecoderEntry = {
  summary: 'SQL generated from the source definitions, run by DuckDB; JavaScript for the files it sets aside',
  // DuckDB's own threads barely scale over many small gzip files; chunks side by side do.
  lanes: (workers) => Math.max(1, workers),
  create: createSqlDecoder,
};
