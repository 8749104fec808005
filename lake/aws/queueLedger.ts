import { createHash } from 'node:crypto';
import { batchIdOf, landedFileId } from '../embedded/localLedger.ts';
import { errorMessage, LoglakeError } from '../errors.ts';
import { mapLimit } from '../mapLimit.ts';
import type { Claim, LandedFile, Ledger, QueueMessage } from '../ports.ts';
import type { S3ObjectStore } from './s3ObjectStore.ts';
import type { SqsQueue } from './sqsQueue.ts';

/** Options of {@link QueueLedger}; every field has a default. */
export interface QueueLedgerOptions {
  /**
   * How long a claim is owned before another run may take it over as crashed. Set it to at least
   * the transform Lambda's timeout. Default 900 s.
   */
  leaseSeconds?: number;
  /** A taken marker without a claim manifest this old belongs to a claim that crashed while forming. Default 60 s. */
  orphanSeconds?: number;
  /** A claim taken over this many times is set aside under `ledger/failed/`. Default 5. */
  maxAttempts?: number;
  /** S3 requests in flight at once. Default 16. */
  concurrency?: number;
  /** Where warnings go. Default `console.warn` as JSON. */
  warn?: (message: string, context: Record<string, unknown>) => void;
  /** The clock; tests pass a fake. */
  now?: () => number;
  /** Bucket of records sent before files carried their bucket (loglake's raw bucket). Default `raw`. */
  legacyBucket?: string;
}

/** A claim manifest, `ledger/claims/<batchId>.json`. */
interface ClaimManifest {
  batchId: string;
  files: LandedFile[];
  claimedAt: string;
  leaseUntil: number;
  attempts: number;
}

/** A taken marker, `ledger/taken/<hash of key>`. */
interface TakenMarker {
  key: string;
  batchId: string;
  takenAt: number;
}

/** A message on the transform queue that is not a landed-file record. */
export class LedgerRecordError extends LoglakeError {}

const hashOf = (key: string) => createHash('sha256').update(key).digest('hex').slice(0, 40);

function parseFile(body: string, legacyBucket: string): LandedFile {
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch (cause) {
    throw new LedgerRecordError('ledger record is not JSON', { bodyLength: body.length }, { cause });
  }
  const f = doc as Partial<LandedFile>;
  if (typeof f.key !== 'string' || typeof f.source !== 'string' || !Array.isArray(f.partition)) {
    throw new LedgerRecordError('ledger record lacks key, source or partition', { bodyLength: body.length });
  }
  return {
    bucket: typeof f.bucket === 'string' ? f.bucket : legacyBucket,
    key: f.key,
    source: f.source,
    size: Number(f.size ?? 0),
    etag: f.etag,
    partition: f.partition.map(String),
  };
}

/**
 * The ledger on AWS: the transform queue (SQS) carries landed-file records, and small marker
 * objects under the control prefix (`_loglake/ledger/` in the readready bucket) make claims
 * exclusive, durable and repeatable.
 *
 * - `record` sends one message per distinct file (SendMessageBatch in tens). It is cheap and never
 *   reads S3; a file recorded twice is two messages, and duplicates are settled at claim time.
 * - `claim` first takes over any claim whose lease ran out (a crashed run): same files, same id, so
 *   the re-run overwrites the same outputs. Otherwise it receives up to the batch bounds, and takes
 *   each file with a conditional write (`If-None-Match: *`) of `ledger/taken/<sha(key)>`: exactly
 *   one claim ever takes a file, however often it was recorded or however many runs race. It then
 *   writes the claim manifest `ledger/claims/<batchId>.json` (files, lease) and deletes the
 *   messages: from there the manifest is the record of the work.
 * - A message whose file is already taken is deleted when the file is done (`ledger/done/…`) or its
 *   claim manifest exists; a taken marker left without a manifest (a crash between the two writes)
 *   is taken over after `orphanSeconds`; otherwise the message stays invisible and comes back later.
 * - `complete` writes `ledger/done/<sha(key)>` per file, then deletes the manifest.
 *
 * Why not SQS alone: a crashed run's messages come back in a different grouping, which would give
 * a different batch id and leave the crashed run's outputs beside the new ones (duplicate rows).
 * Why not S3 alone: a queue gives cheap, scalable hand-out of work to concurrent runs and a depth
 * metric, where listing pending markers would cost a scan per claim.
 */
export class QueueLedger implements Ledger {
  readonly #opts: Required<Omit<QueueLedgerOptions, 'warn'>> & Pick<QueueLedgerOptions, 'warn'>;

  constructor(
    readonly queue: SqsQueue,
    readonly store: S3ObjectStore,
    {
      leaseSeconds = 900,
      orphanSeconds = 60,
      maxAttempts = 5,
      concurrency = 16,
      warn,
      now = Date.now,
      legacyBucket = 'raw',
    }: QueueLedgerOptions = {},
  ) {
    this.#opts = { leaseSeconds, orphanSeconds, maxAttempts, concurrency, warn, now, legacyBucket };
  }

  #warn(message: string, context: Record<string, unknown>): void {
    if (this.#opts.warn) this.#opts.warn(message, context);
    else console.warn(JSON.stringify({ level: 'WARN', message, ...context }));
  }

  async record(files: LandedFile[]): Promise<number> {
    const unique = new Map(files.map((f) => [landedFileId(f), f]));
    await this.queue.send([...unique.values()].map((f) => JSON.stringify(f)));
    return unique.size;
  }

  async claim(opts: { maxFiles: number; maxBytes: number }): Promise<Claim | undefined> {
    const recovered = await this.#recover();
    if (recovered) return recovered;
    // Messages that all turn out to be duplicates give an empty claim: try again while the queue gives any.
    for (let round = 0; round < 100; round++) {
      const { claim, received } = await this.#claimFresh(opts);
      if (claim || received === 0) return claim;
    }
    return undefined;
  }

  /** Takes over the oldest claim whose lease ran out, if any. */
  async #recover(): Promise<Claim | undefined> {
    for await (const info of this.store.list('ledger/claims/')) {
      const got = await this.store.getText(info.key);
      if (got === undefined) continue;
      const manifest = JSON.parse(got.text) as ClaimManifest;
      if (manifest.leaseUntil > this.#opts.now()) continue;
      if (manifest.attempts >= this.#opts.maxAttempts) {
        await this.store.put(`ledger/failed/${manifest.batchId}.json`, got.text, {
          contentType: 'application/json',
        });
        await this.store.delete(info.key);
        this.#warn('claim set aside after repeated failures', {
          batchId: manifest.batchId,
          attempts: manifest.attempts,
        });
        continue;
      }
      const renewed: ClaimManifest = {
        ...manifest,
        leaseUntil: this.#leaseUntil(),
        attempts: manifest.attempts + 1,
      };
      // Compare-and-swap: of two runs taking over the same claim, one wins.
      if (await this.store.putIfMatch(info.key, JSON.stringify(renewed), got.etag)) {
        return { batchId: manifest.batchId, files: manifest.files };
      }
    }
    return undefined;
  }

  #leaseUntil(): number {
    return this.#opts.now() + this.#opts.leaseSeconds * 1000;
  }

  async #claimFresh(opts: {
    maxFiles: number;
    maxBytes: number;
  }): Promise<{ claim?: Claim; received: number }> {
    const candidates: { file: LandedFile; messages: QueueMessage[] }[] = [];
    const byKey = new Map<string, { file: LandedFile; messages: QueueMessage[] }>();
    const keysTaken = new Set<string>();
    const drop: QueueMessage[] = [];
    const putBack: QueueMessage[] = [];
    let bytes = 0;
    let received = 0;
    let full = false;
    while (!full) {
      const messages = await this.queue.receive(10, {
        waitSeconds: 0,
        visibilitySeconds: this.#opts.leaseSeconds,
      });
      if (messages.length === 0) break;
      received += messages.length;
      for (const m of messages) {
        let file: LandedFile;
        try {
          file = parseFile(m.body, this.#opts.legacyBucket);
        } catch (err) {
          this.#warn('dropping a transform-queue message that is not a ledger record', {
            error: errorMessage(err),
          });
          drop.push(m);
          continue;
        }
        const same = byKey.get(landedFileId(file));
        if (same) {
          same.messages.push(m);
          continue;
        }
        // One key once per batch (lineage and the SQL decoder go by key): the same key from
        // another bucket comes back for a later batch.
        if (keysTaken.has(file.key)) {
          putBack.push(m);
          continue;
        }
        // Always take at least one file, so one oversized file cannot block the queue.
        if (
          candidates.length >= opts.maxFiles ||
          (candidates.length > 0 && bytes + file.size > opts.maxBytes)
        ) {
          putBack.push(m);
          full = true;
          continue;
        }
        const entry = { file, messages: [m] };
        candidates.push(entry);
        byKey.set(landedFileId(file), entry);
        keysTaken.add(file.key);
        bytes += file.size;
      }
      if (candidates.length >= opts.maxFiles || bytes >= opts.maxBytes) full = true;
    }
    if (putBack.length > 0) await this.queue.release(putBack);
    if (candidates.length === 0) {
      await this.queue.ack(drop);
      return { received };
    }

    const batchId = batchIdOf(candidates.map((c) => landedFileId(c.file)));
    const outcomes = await mapLimit(candidates, this.#opts.concurrency, (c) =>
      this.#take(landedFileId(c.file), batchId),
    );
    const taken = candidates.filter((_, i) => outcomes[i] === 'taken');
    for (const [i, c] of candidates.entries()) if (outcomes[i] === 'covered') drop.push(...c.messages);
    // Files still owned by a claim that is forming stay invisible and come back after the lease.
    if (taken.length === 0) {
      await this.queue.ack(drop);
      return { received };
    }
    const manifest: ClaimManifest = {
      batchId,
      files: taken.map((c) => c.file),
      claimedAt: new Date(this.#opts.now()).toISOString(),
      leaseUntil: this.#leaseUntil(),
      attempts: 1,
    };
    await this.store.put(`ledger/claims/${batchId}.json`, JSON.stringify(manifest), {
      contentType: 'application/json',
    });
    await this.queue.ack([...drop, ...taken.flatMap((c) => c.messages)]);
    return { claim: { batchId, files: manifest.files }, received };
  }

  /** Takes one file for a claim: `taken`, `covered` (done, or owned by a live claim manifest) or `busy`. */
  async #take(key: string, batchId: string): Promise<'taken' | 'covered' | 'busy'> {
    const h = hashOf(key);
    const marker = (): string =>
      JSON.stringify({ key, batchId, takenAt: this.#opts.now() } satisfies TakenMarker);
    if (await this.store.putIfAbsent(`ledger/taken/${h}`, marker())) return 'taken';
    if ((await this.store.head(`ledger/done/${h}`)) !== undefined) return 'covered';
    const got = await this.store.getText(`ledger/taken/${h}`);
    if (got === undefined) return 'busy';
    const owner = JSON.parse(got.text) as TakenMarker;
    if (owner.batchId === batchId) return 'taken';
    if ((await this.store.head(`ledger/claims/${owner.batchId}.json`)) !== undefined) return 'covered';
    if (this.#opts.now() - owner.takenAt < this.#opts.orphanSeconds * 1000) return 'busy';
    // The claim that took the file crashed before writing its manifest: take the file over.
    return (await this.store.putIfMatch(`ledger/taken/${h}`, marker(), got.etag)) ? 'taken' : 'busy';
  }

  async complete(batchId: string): Promise<void> {
    const got = await this.store.getText(`ledger/claims/${batchId}.json`);
    if (got === undefined) return;
    const manifest = JSON.parse(got.text) as ClaimManifest;
    const doneAt = new Date(this.#opts.now()).toISOString();
    await mapLimit(manifest.files, this.#opts.concurrency, (f) =>
      this.store.put(
        `ledger/done/${hashOf(landedFileId(f))}`,
        JSON.stringify({ key: f.key, bucket: f.bucket, batchId, doneAt }),
        {
          contentType: 'application/json',
        },
      ),
    );
    await this.store.delete(`ledger/claims/${batchId}.json`);
  }

  /**
   * Approximate counts: `pending` is the transform queue's depth (duplicates included), `claimed`
   * the files of open claim manifests, `done` the done markers (a paged listing: cost grows with the lake).
   */
  async counts(): Promise<{ pending: number; claimed: number; done: number }> {
    const q = await this.queue.attributes();
    let claimed = 0;
    for await (const info of this.store.list('ledger/claims/')) {
      const got = await this.store.getText(info.key);
      if (got) claimed += (JSON.parse(got.text) as ClaimManifest).files.length;
    }
    let done = 0;
    for await (const _ of this.store.list('ledger/done/')) done++;
    return { pending: q.visible + q.inFlight + q.delayed, claimed, done };
  }

  async close(): Promise<void> {}
}
