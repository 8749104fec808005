import type { Prng } from './prng.ts';
import { isoSeconds, timeParts } from './time.ts';

/** A non-session log group whose events pad Firehose files out, as other subscriptions do. */
export interface FillerGroup {
  logGroup: string;
  subscriptionFilter: string;
  /** A log stream name for an envelope that starts at `ms`. */
  stream(rng: Prng, ms: number): string;
  /** One log line at `ms`. */
  message(rng: Prng, ms: number): string;
}

function lambdaStream(rng: Prng, ms: number): string {
  const t = timeParts(ms);
  return `${t.yyyy}/${t.mm}/${t.dd}/[$LATEST]${rng.hex(32)}`;
}

function lambdaGroup(name: string, memory: number): FillerGroup {
  return {
    logGroup: `/aws/lambda/${name}`,
    subscriptionFilter: 'lambda-to-firehose',
    stream: lambdaStream,
    message(rng, ms) {
      const requestId = rng.uuid();
      const kind = rng.int(0, 19);
      if (kind < 1) return `START RequestId: ${requestId} Version: $LATEST\n`;
      if (kind < 2) return `END RequestId: ${requestId}\n`;
      if (kind < 4) {
        const duration = (rng.int(200, 90_000) / 100).toFixed(2);
        const init = rng.chance(0.1)
          ? `\tInit Duration: ${(rng.int(15_000, 90_000) / 100).toFixed(2)} ms`
          : '';
        return `REPORT RequestId: ${requestId}\tDuration: ${duration} ms\tBilled Duration: ${Math.ceil(Number(duration))} ms\tMemory Size: ${memory} MB\tMax Memory Used: ${rng.int(70, memory)} MB${init}\t\n`;
      }
      if (kind < 6) {
        // Errors print a JSON blob after tab-separated fields; the stack has quotes and newlines.
        return `${new Date(ms).toISOString()}\t${requestId}\tERROR\tInvoke Error \t${JSON.stringify({
          errorType: 'TypeError',
          errorMessage: "Cannot read properties of undefined (reading 'id')",
          stack: [
            "TypeError: Cannot read properties of undefined (reading 'id')",
            `    at handler (/var/task/index.js:${rng.int(10, 300)}:17)`,
            '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
            '    at async Runtime.handleOnceNonStreaming (file:///var/runtime/index.mjs:1173:29)',
          ],
        })}\n`;
      }
      if (kind < 7) {
        return `${new Date(ms).toISOString()}\t${requestId}\tWARN\tpayload parse error near '}{' at offset ${rng.int(10, 4000)}: {"a":1}{"b":2}\n`;
      }
      return JSON.stringify({
        level: rng.chance(0.9) ? 'INFO' : 'DEBUG',
        message: rng.pick([
          'order accepted',
          'payment authorised',
          'invoice synced',
          'cache miss, loading from table',
        ]),
        timestamp: new Date(ms).toISOString(),
        service: name,
        cold_start: rng.chance(0.05),
        function_name: name,
        function_memory_size: String(memory),
        function_request_id: requestId,
        xray_trace_id: `1-${Math.floor(ms / 1000).toString(16)}-${rng.hex(24)}`,
        http: {
          method: rng.pick(['GET', 'POST', 'PUT']),
          path: rng.pick(['/orders', '/orders/{id}', '/orders/{id}/items', '/invoices']),
          status: rng.pick([200, 200, 201, 400, 404]),
          sourceIp: `198.51.100.${rng.int(1, 254)}`,
          userAgent: 'okhttp/4.12.0',
        },
        order: {
          orderId: `ord-${rng.hex(12)}`,
          lines: Array.from({ length: rng.int(1, 4) }, () => ({
            sku: `SKU-${rng.digits(6)}`,
            qty: rng.int(1, 5),
            price: (rng.int(100, 9_999) / 100).toFixed(2),
          })),
          total: (rng.int(100, 99_999) / 100).toFixed(2),
          currency: rng.pick(['EUR', 'USD', 'GBP']),
          customer: `cust-${rng.digits(6)}`,
          shipping: {
            method: rng.pick(['standard', 'express']),
            country: rng.pick(['DE', 'FR', 'IE', 'US', 'NL']),
          },
          note: rng.pick(['', 'leave at the door', 'call "before" delivery', 'path C:\\orders\\in']),
        },
      });
    },
  };
}

const NGINX: FillerGroup = {
  logGroup: '/ecs/web-frontend',
  subscriptionFilter: 'ecs-to-firehose',
  stream: (rng) => `web/web-frontend/${rng.hex(32)}`,
  message(rng, ms) {
    const t = new Date(ms).toUTCString().split(' ');
    const when = `${t[1]}/${t[2]}/${t[3]}:${t[4]} +0000`;
    const path = rng.pick([
      '/api/orders?page=2',
      '/api/cart',
      '/healthz',
      '/static/app.3f9c.js',
      '/login?next=%2Faccount',
    ]);
    const referer = rng.chance(0.6)
      ? `https://shop.example.com${rng.pick(['/', '/cart', '/account/orders?page=1'])}`
      : '-';
    return `10.0.${rng.int(0, 63)}.${rng.int(2, 254)} - - [${when}] "${rng.pick(['GET', 'GET', 'POST'])} ${path} HTTP/1.1" ${rng.pick([200, 200, 200, 204, 302, 404, 500])} ${rng.int(50, 90_000)} "${referer}" "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36" rt=${(rng.int(1, 900) / 1000).toFixed(3)} uct="0.000" uht="0.00${rng.int(1, 9)}" req_id=${rng.hex(32)} upstream=10.0.${rng.int(64, 127)}.${rng.int(2, 254)}:8080`;
  },
};

const POSTGRES: FillerGroup = {
  logGroup: '/aws/rds/instance/app-db/postgresql',
  subscriptionFilter: 'rds-to-firehose',
  stream: () => 'app-db.0',
  message(rng, ms) {
    const when = isoSeconds(ms).replace('T', ' ').replace('Z', ' UTC');
    return `${when}:10.0.${rng.int(0, 63)}.${rng.int(2, 254)}(${rng.int(30_000, 65_000)}):app@orders:[${rng.int(1000, 40_000)}]:LOG:  duration: ${(rng.int(100, 900_000) / 1000).toFixed(3)} ms  statement: SELECT o.id, o.total, o.currency, o.created_at, c.email, c.country FROM orders o JOIN customers c ON c.id = o.customer_id LEFT JOIN shipments s ON s.order_id = o.id WHERE o.status = 'open' AND s.id IS NULL AND o.created_at > now() - interval '1 day' ORDER BY o.created_at DESC LIMIT ${rng.int(10, 500)}`;
  },
};

/** The filler log groups and their shares of filler envelopes. */
export const FILLER_GROUPS: readonly (readonly [FillerGroup, number])[] = [
  [lambdaGroup('orders-api', 512), 45],
  [lambdaGroup('billing-sync', 1024), 20],
  [NGINX, 25],
  [POSTGRES, 10],
];
