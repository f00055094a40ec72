import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

/** A request slower than this is logged at `info` even when it went well. */
const SLOW_MS = 1000;

/**
 * Fastify logs two `info` lines per request; written synchronously, they were a sixth of a busy
 * node's CPU. A request that went well and fast is logged at `debug` (`LOG_LEVEL=debug` brings
 * the full access log back); failures (5xx) and slow requests still at `info`, and errors as before.
 * Per-route counts and latencies are in the metrics either way.
 */
export class RequestLog extends LogController {
  override incomingRequest(request: FastifyRequest): void {
    request.log.debug({ req: request }, 'incoming request');
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (error) {
      reply.log.error({ res: reply, err: error, responseTime: reply.elapsedTime }, 'request errored');
    } else if (reply.statusCode >= 500 || reply.elapsedTime > SLOW_MS) {
      reply.log.info({ req: request, res: reply, responseTime: reply.elapsedTime }, 'request completed');
    } else {
      reply.log.debug({ res: reply, responseTime: reply.elapsedTime }, 'request completed');
    }
  }
}
