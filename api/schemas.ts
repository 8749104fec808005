import { z } from '@hono/zod-openapi';
import { REVIEW_STATES } from './types.ts';

const time = z.string().openapi({ description: 'ISO 8601, UTC', example: '2026-11-01T08:15:02.000Z' });
const text = z.string().nullable();

export const ErrorSchema = z
  .object({ error: z.string(), message: z.string() })
  .openapi('Error', { example: { error: 'not_found', message: 'session not found' } });

export const SessionSummarySchema = z
  .object({
    id: z.string().openapi({ description: 'session id, or the eventid of a StartSession that failed' }),
    sessionId: text,
    eventId: z.string(),
    startTime: time,
    dueAt: time.openapi({ description: 'start + 7 days: the review is overdue after it' }),
    employee: text,
    principalArn: text,
    principalType: text,
    sourceIdentity: text,
    accountId: text,
    region: text,
    target: text,
    sourceIp: text,
    userAgent: text,
    errorCode: text,
    errorMessage: text,
    state: z.enum(REVIEW_STATES as [string, ...string[]]),
    decision: z.enum(['justified', 'not_justified']).nullable(),
    decidedAt: time.nullable(),
    reviewer: text,
    logEvents: z.number().int(),
  })
  .openapi('SessionSummary');

export const SessionListSchema = z
  .object({
    sessions: z.array(SessionSummarySchema),
    nextCursor: z.string().nullable().openapi({ description: 'pass as `cursor` for the next page' }),
  })
  .openapi('SessionList');

export const DecisionRecordSchema = z
  .object({
    decisionId: z.string(),
    decision: z.enum(['justified', 'not_justified']),
    comment: z.string(),
    reviewer: z.string(),
    decidedAt: time,
  })
  .openapi('Decision');

export const SessionDetailSchema = z
  .object({
    session: SessionSummarySchema,
    endTime: time,
    lines: z.array(z.object({ time, text: z.string() })),
    context: z.object({
      from: time,
      to: time,
      truncated: z.boolean(),
      calls: z.array(
        z.object({
          time,
          eventId: z.string(),
          eventSource: text,
          eventName: text,
          region: text,
          sourceIp: text,
          errorCode: text,
          principalArn: text,
          readOnly: z.boolean().nullable(),
        }),
      ),
    }),
    decisions: z.array(DecisionRecordSchema),
  })
  .openapi('SessionDetail');

const isoParam = z.iso
  .datetime({ offset: true })
  .optional()
  .openapi({ description: 'ISO 8601 time (UTC or with an offset)' });

export const ListQuerySchema = z.object({
  from: isoParam.openapi({
    description: 'sessions started at or after this time (default: 90 days before `to`)',
  }),
  to: isoParam.openapi({ description: 'sessions started before this time (default: now)' }),
  account: z
    .string()
    .regex(/^[0-9]{12}$/, 'an AWS account id is 12 digits')
    .optional(),
  state: z.enum(REVIEW_STATES as [string, ...string[]]).optional(),
  cursor: z.string().max(1024).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const IdParamSchema = z.object({
  id: z.string().openapi({ param: { name: 'id', in: 'path' }, example: 'user03-0b7c1cc185ccf51a9' }),
});

export const DecisionBodySchema = z
  .object({
    decision: z.enum(['justified', 'not_justified']),
    comment: z.string().trim().max(4000).default(''),
  })
  .strict()
  .openapi('DecisionRequest');
