/**
 * One autocannon run for bench/http.ts, in its own process so it can be pinned to the load
 * generator's core. Reads its options as JSON from argv[2]; prints the result as one JSON line.
 */
import autocannon from 'autocannon';

interface Options {
  url: string;
  method: 'GET' | 'PATCH';
  headers: Record<string, string>;
  body?: string;
  /** Header sets taken in turn, one per request (several people, so writes do not queue on one row). */
  rotate?: Record<string, string>[];
  connections: number;
  durationSec: number;
}

const o = JSON.parse(process.argv[2] ?? '{}') as Options;
const rotate = o.rotate ?? [];
let turn = 0;
const result = await autocannon({
  url: o.url,
  method: o.method,
  headers: o.headers,
  ...(o.body !== undefined ? { body: o.body } : {}),
  ...(rotate.length
    ? {
        requests: [
          {
            setupRequest: (req) => ({ ...req, headers: { ...req.headers, ...rotate[turn++ % rotate.length] } }),
          },
        ],
      }
    : {}),
  connections: o.connections,
  duration: o.durationSec,
  pipelining: 1,
});
console.log(
  JSON.stringify({
    total: result.requests.total,
    perSec: result.requests.total / o.durationSec,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  }),
);
