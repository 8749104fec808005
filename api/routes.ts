import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { decodeCursor } from './cursor.ts';
import type { ReviewEnv } from './env.ts';
import { InvalidRequestError } from './errors.ts';
import type { ReviewService } from './reviewService.ts';
import {
  DecisionBodySchema,
  DecisionRecordSchema,
  ErrorSchema,
  IdParamSchema,
  ListQuerySchema,
  SessionDetailSchema,
  SessionListSchema,
} from './schemas.ts';
import type { Decision, ReviewState } from './types.ts';

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { 'application/json': { schema } },
  description,
});
const refusals = {
  400: json(ErrorSchema, 'invalid request'),
  401: json(ErrorSchema, 'no valid bearer token'),
};
const notFound = { 404: json(ErrorSchema, 'no such session in your team (the two are not told apart)') };
const security = [{ bearer: [] }];

const listRoute = createRoute({
  method: 'get',
  path: '/sessions',
  summary: "Your team's sessions, newest first",
  security,
  request: { query: ListQuerySchema },
  responses: { 200: json(SessionListSchema, 'one page of sessions'), ...refusals },
});
const getRoute = createRoute({
  method: 'get',
  path: '/sessions/{id}',
  summary: 'One session: StartSession metadata, keystroke lines, context and decisions',
  security,
  request: { params: IdParamSchema },
  responses: { 200: json(SessionDetailSchema, 'the session'), ...refusals, ...notFound },
});
const transcriptRoute = createRoute({
  method: 'get',
  path: '/sessions/{id}/transcript',
  summary: 'Plain-text transcript, one line per keystroke line with its time',
  security,
  request: { params: IdParamSchema },
  responses: {
    200: { content: { 'text/plain': { schema: z.string() } }, description: 'the transcript' },
    ...refusals,
    ...notFound,
  },
});
const reviewRoute = createRoute({
  method: 'post',
  path: '/sessions/{id}/review',
  summary: 'Record a decision (append-only; a later one supersedes an earlier one)',
  security,
  request: {
    params: IdParamSchema,
    body: { content: { 'application/json': { schema: DecisionBodySchema } }, required: true },
  },
  responses: { 201: json(DecisionRecordSchema, 'the recorded decision'), ...refusals, ...notFound },
});

/** Registers the JSON API routes on `app`, backed by `service`. */
export function registerApiRoutes(app: OpenAPIHono<ReviewEnv>, service: ReviewService): void {
  app.openapi(listRoute, async (c) => {
    const q = c.req.valid('query');
    const cursor = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
    if (q.cursor !== undefined && cursor === undefined) throw new InvalidRequestError('cursor is not valid');
    c.get('audit').detail = { ...q, cursor: q.cursor === undefined ? undefined : 'set' };
    const page = await service.list(c.get('caller'), {
      from: q.from ? new Date(q.from) : undefined,
      to: q.to ? new Date(q.to) : undefined,
      account: q.account,
      state: q.state as ReviewState | undefined,
      cursor,
      limit: q.limit,
    });
    c.get('audit').detail.returned = page.sessions.length;
    return c.json(page, 200);
  });
  app.openapi(getRoute, async (c) =>
    c.json(await service.get(c.get('caller'), c.req.valid('param').id), 200),
  );
  app.openapi(transcriptRoute, async (c) => {
    const text = await service.transcript(c.get('caller'), c.req.valid('param').id);
    return c.text(text, 200, { 'content-type': 'text/plain; charset=utf-8' });
  });
  app.openapi(reviewRoute, async (c) => {
    const body = c.req.valid('json');
    c.get('audit').detail = { decision: body.decision };
    const record = await service.decide(
      c.get('caller'),
      c.req.valid('param').id,
      body.decision as Decision,
      body.comment,
    );
    c.get('audit').detail.decisionId = record.decisionId;
    return c.json(record, 201);
  });
}
