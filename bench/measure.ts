/** Wall and CPU time of one measured step. */
export interface Measured<T> {
  value: T;
  elapsedMs: number;
  /** User plus system CPU time of the whole process (every thread, DuckDB's too) during the step. */
  cpuMs: number;
}

/** Runs `fn` and measures its wall time and the process's CPU time while it ran. */
export async function measure<T>(fn: () => Promise<T>): Promise<Measured<T>> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await fn();
  const elapsedMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { value, elapsedMs, cpuMs: (cpu.user + cpu.system) / 1000 };
}
