import client from 'prom-client';

// One registry for the process: HTTP metrics are registered here, and jobs add their own (queue depth,
// poll durations) to the same registry so one scrape of /metrics sees everything.
export const registry = new client.Registry();
registry.setDefaultLabels({ app: 'housing365' });

let defaultsCollected = false;
/** Node process metrics (event loop lag, heap, GC); idempotent because tests build many servers. */
export function collectDefaultMetrics(): void {
  if (defaultsCollected) return;
  defaultsCollected = true;
  client.collectDefaultMetrics({ register: registry });
}

export const httpRequestDuration = new client.Histogram({
  name: 'housing365_http_request_duration_seconds',
  help: 'HTTP request duration by route pattern, method and status code',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});
