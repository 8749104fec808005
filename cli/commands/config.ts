import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../../lake/errors.ts';
import { parseLiveConfig } from '../../lake/liveConfig.ts';
import type { Command } from '../command.ts';
import { UsageError } from '../io.ts';

async function readDocument(file: string): Promise<unknown> {
  const text = await readFile(file, 'utf8').catch((cause: Error) => {
    throw new ConfigError(`${file}: cannot read: ${cause.message}`, { file }, { cause });
  });
  try {
    return extname(file) === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (cause) {
    throw new ConfigError(`${file}: not valid JSON/YAML: ${(cause as Error).message}`, { file }, { cause });
  }
}

export const configCommand: Command = {
  name: 'config',
  summary: 'show or publish the live configuration (filter and source definitions) without a deploy',
  usage: 'loglake config [show | push <file> [--dry-run]]',
  help: [
    'show              the live document the functions read, its version and where it lives',
    'push <file>       validate a JSON/YAML document { filter, sources } and publish it as the next version',
    '--dry-run         with push: validate only',
    'Functions re-read it within liveConfig.ttlSeconds (default 60 s; env LOGLAKE_LIVE_CONFIG_TTL_SECONDS).',
  ],
  options: { 'dry-run': { type: 'boolean' } },
  positionals: true,
  async run({ positionals, values, io, openLake }) {
    const [action = 'show', file, ...rest] = positionals;
    if (action !== 'show' && action !== 'push') throw new UsageError(`unknown config action ${action}`);
    if (action === 'push' && (file === undefined || rest.length > 0))
      throw new UsageError('give one document to push');
    const doc = action === 'push' ? await readDocument(file!) : undefined;
    const lake = await openLake();
    try {
      if (action === 'show') {
        const live = await lake.live.read();
        if (live === undefined) {
          io.out(
            `no live config at ${lake.live.location}; the functions use the filter of their config file`,
          );
          io.out(JSON.stringify({ filter: lake.live.base.filter, sources: [] }, null, 2));
          return 0;
        }
        io.out(
          `live config at ${lake.live.location}: version ${live.version}, published ${live.document.publishedAt}`,
        );
        io.out(JSON.stringify(live.document, null, 2));
        return 0;
      }
      if (values['dry-run'] === true) {
        const checked = parseLiveConfig(doc, lake.live.base.sources, file);
        io.out(`${file}: valid (${checked.sources.length} sources); not published (--dry-run)`);
        return 0;
      }
      const published = await lake.live.publish(doc);
      io.out(
        `published live config version ${published.version} to ${lake.live.location} ` +
          `(${published.sources.length} sources); functions pick it up within ${lake.config.liveConfig.ttlSeconds} s`,
      );
      return 0;
    } finally {
      await lake.close();
    }
  },
};
