import type { ParseArgsConfig } from 'node:util';
import { type LoglakeConfig, loadConfig } from '../lake/config.ts';
import type { Lake } from '../lake/lake.ts';
import { openLake } from '../lake/openLake.ts';
import type { CliIO } from './io.ts';

export type OptionSpecs = NonNullable<ParseArgsConfig['options']>;

/** What a command's `run` receives. */
export interface CommandContext {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
  io: CliIO;
  /** Loads the configuration, applying `--config` and `--dir`. */
  config(): LoglakeConfig;
  /** Opens the configured lake; the caller closes it. */
  openLake(config?: LoglakeConfig): Promise<Lake>;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  /** Option lines for `--help`. */
  help: string[];
  options: OptionSpecs;
  positionals?: boolean;
  run(ctx: CommandContext): Promise<number | undefined>;
}

/** Options every command takes. */
export const GLOBAL_OPTIONS: OptionSpecs = {
  config: { type: 'string' },
  dir: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

export const GLOBAL_HELP = [
  '--config <file>   configuration file (default ./loglake.config.json, or $LOGLAKE_CONFIG)',
  '--dir <folder>    embedded lake folder (default .loglake, or $LOGLAKE_DIR)',
  '-h, --help        show this help',
];

export function contextFor(
  values: CommandContext['values'],
  positionals: string[],
  io: CliIO,
): CommandContext {
  const config = () => {
    const dir = values.dir;
    const base = loadConfig({ file: typeof values.config === 'string' ? values.config : undefined });
    return typeof dir === 'string' ? { ...base, embedded: { ...base.embedded, dir } } : base;
  };
  return {
    values,
    positionals,
    io,
    config,
    openLake: (c) => openLake(c ?? config(), { onCatalogWait: (m) => io.err(`loglake: ${m}`) }),
  };
}

/** Reads an integer option, with a clear error when it is not one. */
export function intOption(values: CommandContext['values'], name: string, fallback: number): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`--${name} must be a non-negative integer, got ${String(raw)}`);
  return n;
}
