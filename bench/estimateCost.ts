import type { CostEstimate, CostLine } from './types.ts';

/** The workload the estimate prices: "15.9 GB compressed in S3, 199 million events, 400 thousand files". */
export const DEFAULT_WORKLOAD = { compressedGB: 15.9, events: 199_000_000, files: 400_000 } as const;

/**
 * Price and sizing assumptions: us-east-1 list prices as of writing, without free tiers. They are
 * assumptions, printed with every estimate; check the AWS price pages before relying on them.
 */
export const PRICE_ASSUMPTIONS = {
  lambdaX86PerGbSecond: 0.0000166667,
  lambdaArm64PerGbSecond: 0.0000133334,
  lambdaPerMillionRequests: 0.2,
  /** 1,769 MB is the memory size at which Lambda gives one full vCPU. */
  lambdaMemoryMb: 1769,
  s3GetPer1000: 0.0004,
  s3PutPer1000: 0.005,
  s3StandardPerGbMonth: 0.023,
  athenaPerTbScanned: 5,
  sqsPerMillionRequests: 0.4,
  gluePerMillionRequests: 1,
  /** `transform.maxFiles`: raw files per transform invocation. */
  transformFilesPerInvocation: 1000,
  /** SQS messages per addapart invocation (the event source mapping's default batch). */
  addapartBatchSize: 10,
  /** SQS requests per addapart batch: one receive, one batch delete. */
  sqsRequestsPerBatch: 2,
} as const;

export interface CostInput {
  workload?: { compressedGB: number; events: number; files: number };
  /** Which measurement the rates come from (a size label). */
  size: string;
  /** loglake transform events/s on one core (workers=1), over both sources. */
  eventsPerSecPerCore: number;
  /** Raw compressed bytes ÷ readready bytes. */
  storageRatio: number;
  /** addapart core notifications/s on one core. */
  notificationsPerSec: number;
  /** Readready Parquet objects written per raw file. */
  outputsPerFile: number;
  /** Catalog writes per 1,000 files, warm cache. */
  catalogWritesPer1000Files: number;
}

const round = (n: number, digits = 4) => Number(n.toFixed(digits));

/**
 * Section 4: what processing and keeping the stated workload would cost on AWS at the rates measured
 * here: Lambda GB-seconds at the measured per-core events/s (1,769 MB = 1 vCPU), S3 requests and
 * storage of raw against readready (from the measured storage ratio), SQS and Glue requests, and
 * Athena scans at $5/TB. Compute is the core's CPU time only: network and AWS API latency are not in
 * the bench's figures.
 */
export function estimateCost(input: CostInput): CostEstimate {
  const w = input.workload ?? DEFAULT_WORKLOAD;
  const p = PRICE_ASSUMPTIONS;
  const gb = p.lambdaMemoryMb / 1024;
  const transformSeconds = w.events / Math.max(1, input.eventsPerSecPerCore);
  const addapartSeconds = w.files / Math.max(1, input.notificationsPerSec);
  const transformInvocations = Math.ceil(w.files / p.transformFilesPerInvocation);
  const addapartInvocations = Math.ceil(w.files / p.addapartBatchSize);
  const readreadyGB = w.compressedGB / Math.max(1e-9, input.storageRatio);
  const readreadyPuts = Math.ceil(w.files * input.outputsPerFile) + transformInvocations;
  const glueWrites = Math.ceil((w.files * input.catalogWritesPer1000Files) / 1000) + transformInvocations;

  const line = (
    item: string,
    quantity: number,
    unit: string,
    unitPrice: number,
    note?: string,
  ): CostLine => ({
    item,
    quantity: round(quantity, 2),
    unit,
    unitPrice,
    usd: round(quantity * unitPrice),
    ...(note ? { note } : {}),
  });
  const lines: CostLine[] = [
    line(
      'transform Lambda compute (x86)',
      transformSeconds * gb,
      'GB-s',
      p.lambdaX86PerGbSecond,
      `${round(transformSeconds, 1)} s at ${Math.round(input.eventsPerSecPerCore)} events/s per vCPU`,
    ),
    line(
      'transform Lambda compute (arm64)',
      transformSeconds * gb,
      'GB-s',
      p.lambdaArm64PerGbSecond,
      'same per-core speed assumed on Graviton',
    ),
    line(
      'transform Lambda requests',
      transformInvocations / 1e6,
      'M requests',
      p.lambdaPerMillionRequests,
      `${transformInvocations} invocations of ${p.transformFilesPerInvocation} files`,
    ),
    line(
      'addapart Lambda compute (x86)',
      addapartSeconds * gb,
      'GB-s',
      p.lambdaX86PerGbSecond,
      `core only, at ${Math.round(input.notificationsPerSec)} notifications/s; Glue and SQS latency not included`,
    ),
    line('addapart Lambda compute (arm64)', addapartSeconds * gb, 'GB-s', p.lambdaArm64PerGbSecond),
    line(
      'addapart Lambda requests',
      addapartInvocations / 1e6,
      'M requests',
      p.lambdaPerMillionRequests,
      `${addapartInvocations} invocations of ${p.addapartBatchSize} messages`,
    ),
    line('S3 GET of raw files', w.files / 1000, '1k requests', p.s3GetPer1000),
    line(
      'S3 PUT of readready, quarantine and run manifests',
      readreadyPuts / 1000,
      '1k requests',
      p.s3PutPer1000,
      `${round(input.outputsPerFile, 3)} Parquet objects per raw file as measured, plus one manifest per batch`,
    ),
    line(
      'SQS requests',
      (addapartInvocations * p.sqsRequestsPerBatch) / 1e6,
      'M requests',
      p.sqsPerMillionRequests,
    ),
    line(
      'Glue catalog writes',
      glueWrites / 1e6,
      'M requests',
      p.gluePerMillionRequests,
      `${round(input.catalogWritesPer1000Files, 2)} addapart writes per 1,000 files, plus readready registrations`,
    ),
    line('S3 storage, raw (per month)', w.compressedGB, 'GB-month', p.s3StandardPerGbMonth),
    line(
      'S3 storage, readready (per month)',
      readreadyGB,
      'GB-month',
      p.s3StandardPerGbMonth,
      `raw ÷ ${round(input.storageRatio, 2)} (measured storage ratio)`,
    ),
    line('Athena, one full scan of raw', w.compressedGB / 1000, 'TB', p.athenaPerTbScanned),
    line(
      'Athena, one full scan of readready',
      readreadyGB / 1000,
      'TB',
      p.athenaPerTbScanned,
      'upper bound: Parquet queries read only the columns they use',
    ),
  ];
  const usd = (item: string) => lines.find((l) => l.item === item)?.usd ?? 0;
  const shared =
    usd('transform Lambda requests') +
    usd('addapart Lambda requests') +
    usd('S3 GET of raw files') +
    usd('S3 PUT of readready, quarantine and run manifests') +
    usd('SQS requests') +
    usd('Glue catalog writes');
  return {
    workload: { ...w },
    basedOn: {
      size: input.size,
      eventsPerSecPerCore: round(input.eventsPerSecPerCore, 0),
      storageRatio: round(input.storageRatio, 2),
      notificationsPerSec: round(input.notificationsPerSec, 0),
    },
    assumptions: [
      { name: 'Lambda x86 duration', value: p.lambdaX86PerGbSecond, unit: 'USD per GB-s' },
      { name: 'Lambda arm64 duration', value: p.lambdaArm64PerGbSecond, unit: 'USD per GB-s' },
      { name: 'Lambda requests', value: p.lambdaPerMillionRequests, unit: 'USD per 1M' },
      { name: 'Lambda memory (1 vCPU)', value: p.lambdaMemoryMb, unit: 'MB (GB-s use MB/1024)' },
      { name: 'S3 GET', value: p.s3GetPer1000, unit: 'USD per 1,000' },
      { name: 'S3 PUT', value: p.s3PutPer1000, unit: 'USD per 1,000' },
      { name: 'S3 Standard storage', value: p.s3StandardPerGbMonth, unit: 'USD per GB-month' },
      { name: 'Athena', value: p.athenaPerTbScanned, unit: 'USD per TB scanned (1 TB = 1,000 GB)' },
      { name: 'SQS standard', value: p.sqsPerMillionRequests, unit: 'USD per 1M requests' },
      {
        name: 'Glue Data Catalog requests',
        value: p.gluePerMillionRequests,
        unit: 'USD per 1M (free tier ignored)',
      },
      { name: 'transform files per invocation', value: p.transformFilesPerInvocation, unit: 'files' },
      { name: 'addapart SQS batch', value: p.addapartBatchSize, unit: 'messages' },
    ],
    lines,
    totals: {
      oneOffX86Usd: round(
        shared + usd('transform Lambda compute (x86)') + usd('addapart Lambda compute (x86)'),
      ),
      oneOffArm64Usd: round(
        shared + usd('transform Lambda compute (arm64)') + usd('addapart Lambda compute (arm64)'),
      ),
      monthlyStorageRawUsd: usd('S3 storage, raw (per month)'),
      monthlyStorageReadreadyUsd: usd('S3 storage, readready (per month)'),
      athenaFullScanRawUsd: usd('Athena, one full scan of raw'),
      athenaFullScanReadreadyUsd: usd('Athena, one full scan of readready'),
    },
  };
}
