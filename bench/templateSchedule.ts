import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

/** The settings of infra/loglake.yaml that bound how long a landed file waits, read from the template. */
export interface TemplateSchedule {
  /** The transform schedule's `ScheduleExpression`, as written. */
  expression: string;
  /** Seconds between two transform ticks. */
  periodSeconds: number;
  /** addapart's event source mapping `MaximumBatchingWindowInSeconds`. */
  batchingWindowSeconds: number;
  /** addapart's event source mapping `BatchSize`. */
  batchSize: number;
  /** The freshness alarm's default threshold (`LedgerAgeAlarmSeconds`). */
  ledgerAgeAlarmSeconds: number;
}

const UNIT_SECONDS: Record<string, number> = {
  minute: 60,
  minutes: 60,
  hour: 3600,
  hours: 3600,
  day: 86400,
  days: 86400,
};

/** Seconds between ticks of an EventBridge `rate(…)` expression; `cron(…)` is refused (its gaps vary). */
export function ratePeriodSeconds(expression: string): number {
  const m = /^rate\((\d+) (minutes?|hours?|days?)\)$/.exec(expression.trim());
  if (!m) throw new Error(`not an EventBridge rate expression: ${expression}`);
  return Number(m[1]) * UNIT_SECONDS[m[2]!]!;
}

type Resource = { Type: string; Properties: Record<string, unknown> };

/** Reads the schedule and batching settings from the template, so a measure built on them stays true. */
export function readTemplateSchedule(path = 'infra/loglake.yaml'): TemplateSchedule {
  const template = parse(readFileSync(path, 'utf8')) as {
    Parameters: Record<string, { Default?: unknown }>;
    Resources: Record<string, Resource>;
  };
  const resources = Object.values(template.Resources);
  const schedules = resources.filter(
    (r) =>
      r.Type === 'AWS::Events::Rule' &&
      typeof r.Properties.ScheduleExpression === 'string' &&
      JSON.stringify(r.Properties.Targets).includes('TransformFunction'),
  );
  const mappings = resources.filter(
    (r) =>
      r.Type === 'AWS::Lambda::EventSourceMapping' &&
      JSON.stringify(r.Properties.FunctionName).includes('AddapartFunction'),
  );
  if (schedules.length !== 1 || mappings.length !== 1)
    throw new Error(`${path}: expected one transform schedule and one addapart event source mapping`);
  const expression = String(schedules[0]!.Properties.ScheduleExpression);
  const mapping = mappings[0]!.Properties;
  return {
    expression,
    periodSeconds: ratePeriodSeconds(expression),
    batchingWindowSeconds: Number(mapping.MaximumBatchingWindowInSeconds ?? 0),
    batchSize: Number(mapping.BatchSize ?? 10),
    ledgerAgeAlarmSeconds: Number(template.Parameters.LedgerAgeAlarmSeconds?.Default),
  };
}
