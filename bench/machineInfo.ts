import { arch, cpus, loadavg, platform, totalmem } from 'node:os';
import { version as duckdbVersion } from '@duckdb/node-api';
import type { MachineInfo } from './types.ts';

/** The machine a result is measured on: CPU model, core count, Node and DuckDB versions, memory. */
export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    nodeVersion: process.version,
    totalMemoryBytes: totalmem(),
    platform: platform(),
    arch: arch(),
    duckdbVersion: duckdbVersion(),
    loadAverage: loadavg().map((n) => Number(n.toFixed(2))),
  };
}
