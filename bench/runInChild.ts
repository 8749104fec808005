import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ChildJob, ChildReply, StepMeasure } from './childJob.ts';

const BOOT = fileURLToPath(new URL('./childBoot.mjs', import.meta.url));

/** A child's figures with its peak resident set. */
export interface ChildResult {
  measure: StepMeasure;
  peakRssBytes: number;
}

/**
 * Runs one contender in a fresh Node process (the TypeScript loader registered by a boot file) and
 * returns its figures and `process.resourceUsage().maxRSS`, which covers its every thread, DuckDB's
 * included. The child inherits stdout and stderr; `execArgv` is cleared so a test runner's flags
 * do not leak into it.
 */
export function runInChild(job: ChildJob, opts: { timeoutMs?: number } = {}): Promise<ChildResult> {
  const { timeoutMs = 30 * 60_000 } = opts;
  return new Promise((resolve, reject) => {
    const child = fork(BOOT, [], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let reply: ChildReply | undefined;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`bench child (${job.kind}) timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('message', (m: ChildReply) => {
      reply = m;
      // The child disconnects and exits after replying; make sure a stray handle cannot keep it alive.
      setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
    });
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (reply?.ok && reply.measure) resolve({ measure: reply.measure, peakRssBytes: reply.peakRssBytes });
      else {
        const why = reply?.error ?? `exited with ${signal ?? code} before replying`;
        reject(new Error(`bench child (${job.kind}) failed: ${why}`));
      }
    });
    child.send(job);
  });
}
