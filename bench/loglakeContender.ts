import { configSchema } from '../lake/config.ts';
import { openLake } from '../lake/openLake.ts';
import { runTransform } from '../transform/runTransform.ts';
import type { LoglakeJob, StepMeasure } from './childJob.ts';
import { measure } from './measure.ts';

/**
 * Contender a (and d): loglake's own transform, end to end, on an embedded lake whose raw files
 * are already landed and registered by addapart. Only `runTransform` is timed: read, gunzip, split,
 * parse, project, spool, Parquet (ZSTD), publish, register readready partitions, run manifest.
 */
export async function runLoglakeContender(job: LoglakeJob): Promise<StepMeasure> {
  const config = configSchema.parse({
    mode: 'embedded',
    embedded: { dir: job.lakeDir },
    transform: { workers: job.workers, writerThreads: job.writerThreads },
  });
  const lake = await openLake(config);
  try {
    const {
      value: summary,
      elapsedMs,
      cpuMs,
    } = await measure(() => runTransform(lake, { workers: job.workers }));
    const outputs = summary.runs.flatMap((r) => r.outputs);
    return {
      elapsedMs,
      cpuMs,
      files: summary.totals.files,
      rows: summary.totals.rows,
      eventsIn: summary.totals.eventsIn,
      reconciled: summary.reconciled,
      filesQuarantined: summary.totals.filesQuarantined,
      stages: summary.stages,
      outputBytes: outputs.reduce((n, o) => n + o.bytes, 0),
      outputFiles: outputs.length,
    };
  } finally {
    await lake.close();
  }
}
