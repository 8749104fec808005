import type { Command } from '../command.ts';
import { addapart } from './addapart.ts';
import { bench } from './bench.ts';
import { compact } from './compact.ts';
import { configCommand } from './config.ts';
import { demo } from './demo.ts';
import { exportCommand } from './export.ts';
import { extractsCommand } from './extracts.ts';
import { generateCommand } from './generate.ts';
import { land } from './land.ts';
import { queries } from './queries.ts';
import { query } from './query.ts';
import { replayCommand } from './replay.ts';
import { serveCommand } from './serve.ts';
import { sources } from './sources.ts';
import { status } from './status.ts';
import { tokenCommand } from './token.ts';
import { transform } from './transform.ts';

/** Every `loglake` command, in the order `--help` lists them. */
export const commands: Command[] = [
  demo,
  land,
  addapart,
  transform,
  compact,
  extractsCommand,
  status,
  replayCommand,
  configCommand,
  query,
  queries,
  exportCommand,
  serveCommand,
  tokenCommand,
  generateCommand,
  sources,
  bench,
];
