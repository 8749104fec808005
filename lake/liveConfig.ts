import { z } from 'zod';
import { assertPrecedence, parseSourceDefinition, type SourceDefinition } from '../sources/loader.ts';
import type { FileFilterConfig } from './config.ts';
import { ConfigError, errorMessage, ObjectNotFoundError } from './errors.ts';
import type { ObjectStore } from './ports.ts';

const ACCOUNT = /^\d{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

const list = (entry: z.ZodString) =>
  z
    .object({ allow: z.array(entry).optional(), deny: z.array(entry).optional() })
    .strict()
    .optional();

/**
 * The live configuration document (DESIGN §15): the central filter and the extra source
 * definitions, edited by operators and read by every function with a short cache. Accounts and
 * regions are checked for shape, so a typo in the emergency lever is refused, not ignored.
 */
export const liveConfigSchema = z
  .object({
    filter: z
      .object({
        accounts: list(z.string().regex(ACCOUNT, 'an account id is 12 digits')),
        regions: list(z.string().regex(REGION, 'a region looks like eu-west-1')),
        prefixes: list(z.string().min(1)),
      })
      .strict()
      .default({}),
    /** Source definitions, in the same shape as the YAML files; a name already loaded is replaced. */
    sources: z.array(z.record(z.string(), z.unknown())).default([]),
    /** Set by `publishLiveConfig`: one more than the version it replaced. */
    version: z.number().int().nonnegative().optional(),
    publishedAt: z.string().datetime().optional(),
  })
  .strict();

export type LiveConfigDocument = z.output<typeof liveConfigSchema>;

/** A validated live configuration, with its source definitions parsed. */
export interface LiveConfig {
  document: LiveConfigDocument;
  filter: Omit<FileFilterConfig, 'guard'>;
  sources: SourceDefinition[];
  version: number;
}

/** Default key of the live document in the control store (embedded `.loglake/control/`, AWS `_loglake/`). */
export const LIVE_CONFIG_KEY = 'config/live.json';

/**
 * Validates a live document: its shape, every source definition, and that the merged sources
 * still map to distinct tables. Throws a {@link ConfigError} naming the mistake.
 */
export function parseLiveConfig(
  value: unknown,
  base: readonly SourceDefinition[],
  origin = 'live config',
): LiveConfig {
  const parsed = liveConfigSchema.safeParse(value);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${origin}: ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ConfigError(lines.join('\n'), { origin });
  }
  const doc = parsed.data;
  const sources = doc.sources.map((s, i) => {
    try {
      return parseSourceDefinition(s, `${origin} sources.${i}`);
    } catch (cause) {
      throw new ConfigError(errorMessage(cause), { origin, source: i }, { cause });
    }
  });
  const merged = mergeSources(base, sources);
  try {
    assertPrecedence(merged);
  } catch (cause) {
    throw new ConfigError(`${origin}: ${errorMessage(cause)}`, { origin }, { cause });
  }
  const owners = new Map<string, string>();
  for (const s of merged) {
    for (const table of [s.rawTable, s.readreadyTable, ...s.readready.extracts.map((e) => e.table)]) {
      const other = owners.get(table);
      if (other !== undefined)
        throw new ConfigError(`${origin}: sources ${other} and ${s.name} both map to table ${table}`, {
          origin,
          table,
        });
      owners.set(table, s.name);
    }
  }
  return { document: doc, filter: doc.filter, sources, version: doc.version ?? 0 };
}

/** The base sources with the live ones added; a live definition replaces a base one of the same name. */
export function mergeSources(
  base: readonly SourceDefinition[],
  live: readonly SourceDefinition[],
): SourceDefinition[] {
  const byName = new Map(base.map((s) => [s.name, s]));
  for (const s of live) byName.set(s.name, s);
  return [...byName.values()];
}

/** Options of {@link LiveConfigStore}. */
export interface LiveConfigStoreOptions {
  /** How long a read is reused. Default 60 s. */
  ttlSeconds?: number;
  now?: () => number;
  /** Where a refused (invalid) live document is reported. Default stderr as JSON. */
  warn?: (message: string, context: Record<string, unknown>) => void;
}

/**
 * Reads and publishes the live document in one object store (an S3 object on AWS, a file in
 * embedded mode): the same code either way. Reads are cached for `ttlSeconds`, so the emergency
 * lever (deny an account) takes effect within a minute and costs one GET a minute per container.
 */
export class LiveConfigStore {
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #warn: NonNullable<LiveConfigStoreOptions['warn']>;
  #cached: { at: number; config: LiveConfig | undefined } | undefined;

  constructor(
    readonly store: ObjectStore,
    readonly key: string,
    readonly base: { sources: readonly SourceDefinition[]; filter: Omit<FileFilterConfig, 'guard'> },
    { ttlSeconds = 60, now = Date.now, warn }: LiveConfigStoreOptions = {},
  ) {
    this.#ttlMs = ttlSeconds * 1000;
    this.#now = now;
    this.#warn =
      warn ?? ((message, context) => console.error(JSON.stringify({ level: 'ERROR', message, ...context })));
  }

  /** Where the document lives, e.g. `s3://bucket/_loglake/config/live.json`. */
  get location(): string {
    return this.store.uri(this.key);
  }

  /** Reads the document now (no cache); undefined when none was published. Invalid: throws. */
  async read(): Promise<LiveConfig | undefined> {
    let bytes: Uint8Array;
    try {
      bytes = await this.store.get(this.key);
    } catch (err) {
      if (err instanceof ObjectNotFoundError) return undefined;
      throw err;
    }
    let value: unknown;
    try {
      value = JSON.parse(Buffer.from(bytes).toString('utf8'));
    } catch (cause) {
      throw new ConfigError(`${this.location}: not valid JSON`, { location: this.location }, { cause });
    }
    return parseLiveConfig(value, this.base.sources, this.location);
  }

  /**
   * The live configuration, re-read when the cache is older than the TTL. A document that became
   * invalid (edited around `config push`) is reported and the last good one is kept; with none
   * kept, the error is thrown, so a function never runs on a configuration nobody validated.
   */
  async current(): Promise<LiveConfig | undefined> {
    const now = this.#now();
    if (this.#cached && now - this.#cached.at < this.#ttlMs) return this.#cached.config;
    try {
      const config = await this.read();
      this.#cached = { at: now, config };
      return config;
    } catch (err) {
      if (this.#cached === undefined) throw err;
      this.#warn('live config refused; keeping the last good one', {
        location: this.location,
        error: errorMessage(err),
        version: this.#cached.config?.version,
      });
      this.#cached = { at: now, config: this.#cached.config };
      return this.#cached.config;
    }
  }

  /**
   * Validates and publishes a new document: version one more than the current one, `publishedAt`
   * now. An invalid document is refused before anything is written.
   */
  async publish(value: unknown): Promise<LiveConfig> {
    const draft = parseLiveConfig(value, this.base.sources, 'new live config');
    const previous = await this.read().catch(() => undefined);
    const document: LiveConfigDocument = {
      ...draft.document,
      version: (previous?.version ?? 0) + 1,
      publishedAt: new Date(this.#now()).toISOString(),
    };
    await this.store.put(this.key, `${JSON.stringify(document, null, 2)}\n`, {
      contentType: 'application/json',
    });
    this.#cached = undefined;
    return { ...draft, document, version: document.version! };
  }
}

/** What a lake needs to apply live configuration to itself. */
export interface LiveConfigurable {
  sources: SourceDefinition[];
  filter: FileFilterConfig;
  live: LiveConfigStore;
}

/**
 * What the current live configuration asks of a lake: the sources to run on (base plus live) and
 * `commit`, which sets the filter lists (guard and bucket policy kept) and marks the version applied. Undefined
 * when that version is already applied. The caller switches the sources, then commits, so a failed
 * switch is tried again next time.
 */
export async function liveState(
  lake: LiveConfigurable,
): Promise<{ sources: SourceDefinition[]; commit(): void } | undefined> {
  const live = await lake.live.current();
  const version = live?.version ?? -1;
  if (applied.get(lake) === version) return undefined;
  const base = lake.live.base;
  return {
    sources: live ? mergeSources(base.sources, live.sources) : [...base.sources],
    commit: () => {
      // Only the lists are live; the recursion guard and bucket policy stay the lake's own.
      const { accounts: _a, regions: _r, prefixes: _p, ...own } = lake.filter;
      lake.filter = { ...own, ...(live ? live.filter : base.filter) };
      applied.set(lake, version);
    },
  };
}

/** The live version each lake runs on, so an unchanged document is not applied again. */
const applied = new WeakMap<LiveConfigurable, number>();
