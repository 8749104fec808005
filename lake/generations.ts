import type { ObjectInfo, ObjectStore } from './ports.ts';

/**
 * Generations of a readready partition. Transform's first files live in the partition's folder
 * itself (generation 0, `<table>/calendarday=<day>/`); each compaction writes generation `n` to
 * `<table>/calendarday=<day>/gen=<n>/` and points the catalog partition there. A generation is the
 * objects directly under its prefix: generation 0 never includes the `gen=<n>/` folders.
 */
export interface Generation {
  /** 0 for the partition's own folder. */
  number: number;
  /** Key prefix in the readready store, ending in `/`. */
  prefix: string;
}

/** The key prefix of a partition's own folder (generation 0). */
export function partitionPrefix(table: string, calendarday: string): string {
  return `${table}/calendarday=${calendarday}/`;
}

/** The generation `n` of a partition. */
export function generation(table: string, calendarday: string, n: number): Generation {
  const base = partitionPrefix(table, calendarday);
  return { number: n, prefix: n === 0 ? base : `${base}gen=${n}/` };
}

const GEN_FOLDER = /^gen=(\d+)\/$/;

/**
 * The generation a catalog location points at. Throws when the location is not in the readready
 * store or not a generation of the partition: compaction never moves a partition it does not own.
 */
export function generationOfLocation(
  store: ObjectStore,
  table: string,
  calendarday: string,
  location: string,
): Generation {
  const root = store.uri('');
  const withSlash = location.endsWith('/') ? location : `${location}/`;
  const base = partitionPrefix(table, calendarday);
  const key = withSlash.startsWith(root) ? withSlash.slice(root.length) : '';
  if (key === base) return { number: 0, prefix: base };
  const m = key.startsWith(base) ? GEN_FOLDER.exec(key.slice(base.length)) : null;
  if (m === null) {
    throw new Error(
      `partition ${table}/${calendarday} is located at ${location}, not a loglake generation under ${store.uri(base)}`,
    );
  }
  return { number: Number(m[1]), prefix: key };
}

/** The Parquet objects of a generation (directly under its prefix), in key order. */
export async function listGeneration(store: ObjectStore, gen: Generation): Promise<ObjectInfo[]> {
  const out: ObjectInfo[] = [];
  for await (const o of store.list(gen.prefix)) {
    const rest = o.key.slice(gen.prefix.length);
    if (!rest.includes('/') && rest.endsWith('.parquet')) out.push(o);
  }
  return out;
}

/** The file name of a key (the part after the last `/`). */
export function fileName(key: string): string {
  return key.slice(key.lastIndexOf('/') + 1);
}
