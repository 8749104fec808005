import { badFiles } from './badFiles.ts';
import { type CloudTrailFile, trailFillerFile, trailGroupFiles } from './cloudtrailFiles.ts';
import { firehoseDayFiles, firehoseFillerFile } from './cloudwatchFiles.ts';
import { emptyManifest, ManifestRecorder } from './manifest.ts';
import { dayStartMs, type ResolvedOptions, resolveOptions } from './options.ts';
import { describeSession, planSessions, type SessionPlan } from './sessionPlan.ts';
import { configCheckFile, digestFile, insightFile } from './skipFiles.ts';
import type { GeneratedFile, GeneratedManifest, GenerateOptions } from './types.ts';
import { buildWorld, type World } from './world.ts';

/**
 * A deterministic, realistic raw data set: CloudTrail log files (organization trail layout) and
 * Firehose-delivered CloudWatch Logs files (multi-member gzip, concatenated envelopes), plus the
 * digest, Insight and check objects readers must skip and, unless turned off, three bad files.
 *
 * Files are built one at a time as `files` is iterated, so memory stays flat however big the data
 * set. The manifest counts each file as it is yielded and is complete once iteration ends; its
 * `sessions` are known up front. Iterating `files` again yields the same bytes and recounts.
 *
 * @throws RangeError when an option cannot work (for example `accounts: 0`).
 */
export function generate(opts: GenerateOptions = {}): {
  files: Iterable<GeneratedFile>;
  manifest: GeneratedManifest;
} {
  const options = resolveOptions(opts);
  const world = buildWorld(options);
  const sessions = planSessions(options, world);
  const manifest = emptyManifest(options.seed, sessions.map(describeSession));
  const files: Iterable<GeneratedFile> = {
    [Symbol.iterator]: () => produce(options, world, sessions, manifest),
  };
  return { files, manifest };
}

function* produce(
  options: ResolvedOptions,
  world: World,
  sessions: readonly SessionPlan[],
  manifest: GeneratedManifest,
): Generator<GeneratedFile> {
  const record = new ManifestRecorder(manifest);
  const byGroup = new Map<string, SessionPlan[]>();
  for (const plan of sessions) {
    const id = groupId(plan.day, plan.account.index, plan.region);
    byGroup.set(id, [...(byGroup.get(id) ?? []), plan]);
  }

  for (let day = 0; day < options.days; day++) {
    for (const account of world.accounts) {
      for (const region of options.regions) {
        const first = day === 0 && account.index === 0 && region === options.regions[0];
        const group = {
          day,
          account,
          region,
          sessions: byGroup.get(groupId(day, account.index, region)) ?? [],
          // Exactly one good file per data set has a `//` after the prefix (none without a prefix).
          doubleSlash: first && options.cloudtrailPrefix !== '',
        };
        const delivered: CloudTrailFile[] = [];
        for (const file of trailGroupFiles(options, world, group)) {
          yield record.cloudtrail(file);
          if (first) delivered.push(file);
        }
        if (first) {
          const at = { prefix: options.cloudtrailPrefix, orgId: options.orgId, account: account.id, region };
          yield record.skip(digestFile(options.seed, at, delivered));
          yield record.skip(insightFile(options.seed, at, dayStartMs(options, day)));
          yield record.skip(configCheckFile(at));
        }
      }
    }
    const today = sessions.filter((plan) => plan.day === day);
    for (const file of firehoseDayFiles(options, world, day, today)) yield record.cloudwatch(file);
  }

  if (options.badFiles) {
    for (const file of badFiles(options, world)) yield record.bad(file);
  }

  // Grow whichever source is behind, so both reach the target at about the same point of the stream.
  const target = options.targetBytesPerSource;
  let trailFillers = 0;
  let firehoseFillers = 0;
  for (;;) {
    const { cloudtrail, cloudwatch } = record.uncompressed();
    if (cloudtrail >= target && cloudwatch >= target) break;
    if (cloudwatch >= target || (cloudtrail < target && cloudtrail <= cloudwatch)) {
      yield record.cloudtrail(trailFillerFile(options, world, trailFillers++));
    } else {
      yield record.cloudwatch(firehoseFillerFile(options, world, firehoseFillers++));
    }
  }
}

function groupId(day: number, account: number, region: string): string {
  return `${day}|${account}|${region}`;
}
