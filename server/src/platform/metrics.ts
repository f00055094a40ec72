import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  openSockets: Gauge;
  wsUpgrade: Histogram;
  eventsFannedOut: Counter;
  slowConsumersCut: Counter;
  nodesSwept: Counter;
  feedSignalsApplied: Counter<'origin'>;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpDuration: new Histogram({
      name: 'tremolo_http_request_duration_seconds',
      help: 'HTTP request latency',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    openSockets: new Gauge({ name: 'tremolo_ws_open_sockets', help: 'Open WebSocket connections', registers: [registry] }),
    wsUpgrade: new Histogram({
      name: 'tremolo_ws_upgrade_seconds',
      help: "From a WebSocket upgrade request to the socket's hello: the session looked up and the handshake answered",
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    eventsFannedOut: new Counter({
      name: 'tremolo_realtime_events_fanned_out_total',
      help: 'Event deliveries written to sockets',
      registers: [registry],
    }),
    slowConsumersCut: new Counter({
      name: 'tremolo_realtime_slow_consumers_cut_total',
      help: 'Sockets closed for falling behind',
      registers: [registry],
    }),
    nodesSwept: new Counter({
      name: 'tremolo_cluster_nodes_swept_total',
      help: 'Dead nodes whose state this node swept',
      registers: [registry],
    }),
    feedSignalsApplied: new Counter({
      name: 'tremolo_feeds_signals_applied_total',
      help: "For You signals (likes, watches, not interested, interests, videos) applied to this node's ranker, by where they happened",
      labelNames: ['origin'],
      registers: [registry],
    }),
  };
}
