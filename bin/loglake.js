#!/usr/bin/env node
// Entry point of the `loglake` command: registers the TypeScript loader, runs the CLI, and is the
// only place that sets the process exit code.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
