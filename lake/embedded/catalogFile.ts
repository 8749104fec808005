import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { errorMessage, LoglakeError } from '../errors.ts';
import { quoteLiteral } from '../sqlQuote.ts';

/** Another process kept the lake's catalog file for longer than the wait allows. */
export class LakeBusyError extends LoglakeError {}

/** Options of {@link CatalogFile}; every field has a default. */
export interface CatalogFileOptions {
  /** How long to wait for another process to let go of the file. Default 120 s. */
  waitMs?: number;
  /** Told once per wait that another process holds the file (the CLI prints it). Default: silent. */
  onWait?: (message: string) => void;
}

const ALIAS = 'loglake_catalog';
const isLockConflict = (err: unknown) =>
  /Could not set lock on file|Conflicting lock/i.test(errorMessage(err));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The embedded catalog and ledger file (`catalog.duckdb`), held only for the length of one
 * operation. DuckDB lets one process at a time open a database file, and a process that kept it
 * open (a transform running for minutes) would lock `land`, `addapart` and `query` out. So the
 * file is ATTACHed on a connection of the process's in-memory DuckDB for each operation and
 * DETACHed after it (some tens of ms, `bench/catalogFileBench.ts`); a process that finds it taken waits with backoff and says so.
 * Operations of one process run one after another on one connection; a nested one joins its outer one.
 */
export class CatalogFile {
  // DuckDB's file lock is per process (fcntl), so two lakes of one process on the same file are not
  // kept apart by it: operations on one path queue up process-wide instead.
  static readonly #tails = new Map<string, Promise<unknown>>();
  static readonly #held = new AsyncLocalStorage<ReadonlySet<string>>();
  readonly #waitMs: number;
  readonly #onWait?: (message: string) => void;

  private constructor(
    /** The connection whose default database is the catalog file during {@link use}. */
    readonly connection: DuckDBConnection,
    readonly path: string,
    opts: CatalogFileOptions,
  ) {
    this.#waitMs = opts.waitMs ?? 120_000;
    this.#onWait = opts.onWait;
  }

  static async open(
    instance: DuckDBInstance,
    path: string,
    opts: CatalogFileOptions = {},
  ): Promise<CatalogFile> {
    await mkdir(dirname(path), { recursive: true });
    return new CatalogFile(await instance.connect(), path, opts);
  }

  /** Runs `fn` with the file attached (and the default database of {@link connection}). */
  use<T>(fn: () => Promise<T>): Promise<T> {
    const held = CatalogFile.#held.getStore();
    if (held?.has(this.path)) return fn();
    const run = async () => {
      await this.#attach();
      try {
        return await CatalogFile.#held.run(new Set([...(held ?? []), this.path]), fn);
      } finally {
        await this.#detach();
      }
    };
    const tail = CatalogFile.#tails.get(this.path) ?? Promise.resolve();
    const result = tail.then(run, run);
    const next = result.then(
      () => undefined,
      () => undefined,
    );
    CatalogFile.#tails.set(this.path, next);
    // Forget an idle path, so a long-lived process does not keep one entry per lake it ever opened.
    void next.then(() => {
      if (CatalogFile.#tails.get(this.path) === next) CatalogFile.#tails.delete(this.path);
    });
    return result;
  }

  async #attach(): Promise<void> {
    const started = Date.now();
    let delay = 20;
    let told = false;
    for (;;) {
      try {
        await this.connection.run(`ATTACH ${quoteLiteral(this.path)} AS ${ALIAS}`);
        await this.connection.run(`USE ${ALIAS}`);
        return;
      } catch (err) {
        if (!isLockConflict(err)) throw err;
        const waited = Date.now() - started;
        if (waited >= this.#waitMs) {
          throw new LakeBusyError(
            `the lake is busy: another loglake process kept ${this.path} for ${Math.round(waited / 1000)} s (${errorMessage(err)})`,
            { path: this.path, waitedMs: waited },
            { cause: err },
          );
        }
        if (!told) {
          this.#onWait?.(`waiting for another loglake process to let go of ${this.path}`);
          told = true;
        }
        await sleep(delay + Math.random() * delay);
        delay = Math.min(delay * 2, 500);
      }
    }
  }

  async #detach(): Promise<void> {
    await this.connection.run('USE memory');
    await this.connection.run(`DETACH ${ALIAS}`);
  }
}

/**
 * Wraps an object whose methods all work on the catalog file so that each call runs inside
 * {@link CatalogFile.use}: the local catalog and ledger stay written as if the file were theirs.
 */
export function heldPerCall<T extends object>(target: T, file: CatalogFile): T {
  return new Proxy(target, {
    get(t, prop) {
      const value = Reflect.get(t, prop, t) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) =>
        file.use(() => (value as (...a: unknown[]) => Promise<unknown>).apply(t, args));
    },
  });
}
