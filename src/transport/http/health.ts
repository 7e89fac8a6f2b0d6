import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app/context.ts';
import { pendingMigrations, ping } from '../../adapters/db/database.ts';
import { registry } from './metrics.ts';
import { problem, sendProblem } from './problem.ts';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/**
 * /metrics is open to callers on the same machine (a local Prometheus or node exporter sidecar) and
 * otherwise needs an admin API token: metrics reveal traffic and queue sizes, which are not public.
 */
export function mayReadMetrics(request: Pick<FastifyRequest, 'socket' | 'authVia' | 'principal'>): boolean {
  if (LOOPBACK.has(request.socket.remoteAddress ?? '')) return true;
  return request.authVia === 'token' && request.principal?.role === 'admin';
}

export function registerHealth(app: FastifyInstance, ctx: AppContext): void {
  // Liveness: the process answers. Never touches the database, so a slow database cannot get the
  // process restarted.
  app.get('/healthz', async () => ({ status: 'ok' }));

  // Readiness: the database answers and every shipped migration is applied.
  app.get('/readyz', async (request, reply) => {
    const checks: { database: string; migrations: string; pending?: string[] } = { database: 'ok', migrations: 'ok' };
    try {
      await ping(ctx.db);
      const pending = await pendingMigrations(ctx.db);
      if (pending.length > 0) {
        checks.migrations = 'pending';
        checks.pending = pending;
      }
    } catch (err) {
      // The reason goes to the log, not to this unauthenticated endpoint (it names hosts and ports).
      request.log.warn({ err }, 'readiness check: database unreachable');
      checks.database = 'unreachable';
      checks.migrations = 'unknown';
    }
    const ready = checks.database === 'ok' && checks.migrations === 'ok';
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks });
  });

  app.get('/metrics', async (request, reply) => {
    if (!mayReadMetrics(request)) {
      reply.header('www-authenticate', 'Bearer realm="housing365"');
      return sendProblem(reply, problem('forbidden', request.principal ? 403 : 401, request.principal ? 'Forbidden' : 'Sign-in required', '/metrics is served to loopback callers, or with an admin API token'));
    }
    return reply.type(registry.contentType).send(await registry.metrics());
  });
}
