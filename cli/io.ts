/** Where a command writes: injectable so tests can capture output. */
export interface CliIO {
  out(line: string): void;
  err(line: string): void;
  /** Whether stderr is a terminal (progress lines are redrawn in place only then). */
  isTTY: boolean;
}

export const processIO: CliIO = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  isTTY: Boolean(process.stderr.isTTY),
};

/** A thrown error whose message is the whole story for the user (no stack). */
export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * A progress reporter for long steps: redraws one line on a terminal; elsewhere (CI, pipes) prints
 * at most one line per tenth of the work, so logs stay short.
 */
export function progress(
  io: CliIO,
  label: string,
): { update(done: number, total: number): void; end(): void } {
  let lastTenth = -1;
  let drawn = false;
  return {
    update(done, total) {
      const pct = total > 0 ? Math.floor((done / total) * 100) : 100;
      if (io.isTTY) {
        process.stderr.write(`\r${label}: ${done}/${total} (${pct}%)`);
        drawn = true;
      } else if (Math.floor(pct / 10) > lastTenth) {
        lastTenth = Math.floor(pct / 10);
        io.err(`${label}: ${done}/${total} (${pct}%)`);
      }
    },
    end() {
      if (drawn) process.stderr.write('\n');
    },
  };
}
