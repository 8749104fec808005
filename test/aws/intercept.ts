import type {
  HandlerExecutionContext,
  InitializeHandler,
  InitializeHandlerArguments,
  InitializeHandlerOutput,
  MetadataBearer,
  MiddlewareStack,
} from '@smithy/types';

/**
 * Intercepts one command of an SDK client with an `initialize` middleware (before the SDK's own
 * retries): records each input, and lets `fn` answer it, with `next` calling the real service.
 * Contract tests use it to assert request shapes and to play responses moto cannot produce.
 */
export function intercept<I extends object, O extends MetadataBearer>(
  client: { middlewareStack: MiddlewareStack<I, O> },
  commandName: string,
  fn: (input: I, next: () => Promise<O>, call: number) => Promise<O> = (_input, next) => next(),
): { inputs: I[] } {
  const inputs: I[] = [];
  client.middlewareStack.add(
    <Output extends O>(next: InitializeHandler<I, Output>, context: HandlerExecutionContext) =>
      async (args: InitializeHandlerArguments<I>): Promise<InitializeHandlerOutput<Output>> => {
        if (context.commandName !== commandName) return next(args);
        inputs.push(structuredClone(args.input));
        const output = await fn(args.input, async () => (await next(args)).output, inputs.length);
        return { output: output as Output, response: {} };
      },
    { step: 'initialize', name: `intercept${commandName}${Math.random().toString(36).slice(2)}` },
  );
  return { inputs };
}

/** An SDK-shaped service exception (what the SDK throws for an error response). */
export class FakeServiceError extends Error {
  readonly $metadata = { httpStatusCode: 400 };
  constructor(name: string, message = `${name} (injected)`) {
    super(message);
    this.name = name;
  }
}
