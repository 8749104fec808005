/**
 * Entry of a bench child process: receives one {@link ChildJob} over IPC, runs it, replies with its
 * figures and the process's peak resident set, and exits. One contender per process, so each
 * peak-memory figure belongs to that contender alone.
 */
import type { ChildJob, ChildReply, StepMeasure } from './childJob.ts';
import { runDuckdbContender } from './duckdbContender.ts';
import { runLoglakeContender } from './loglakeContender.ts';
import { runNaiveContender } from './naiveContender.ts';

function run(job: ChildJob): Promise<StepMeasure> {
  switch (job.kind) {
    case 'loglake':
      return runLoglakeContender(job);
    case 'duckdb':
      return runDuckdbContender(job);
    case 'naive':
      return runNaiveContender(job);
  }
}

process.once('message', async (job: ChildJob) => {
  let reply: ChildReply;
  try {
    const measure = await run(job);
    reply = { ok: true, measure, peakRssBytes: process.resourceUsage().maxRSS * 1024 };
  } catch (err) {
    const error = err instanceof Error ? (err.stack ?? err.message) : String(err);
    reply = { ok: false, error, peakRssBytes: process.resourceUsage().maxRSS * 1024 };
  }
  process.send?.(reply, () => process.disconnect());
});
