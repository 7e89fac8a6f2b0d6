import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.ts';
import { databaseReadiness } from '../../app/observability.ts';
import { registry } from './metrics.ts';
import { constantTimeEqual } from './auth.ts';
import { problem, sendProblem } from './problem.ts';

/**
 * /metrics answers only a scraper that sends HOUSING365_METRICS_TOKEN as a bearer token. The socket
 * address proves nothing behind a reverse proxy on the same machine (every request comes from
 * 127.0.0.1), and metrics reveal traffic, queue sizes and mailbox names. Without a configured token
 * the endpoint does not exist (404), so a fresh install exposes nothing.
 */
export function metricsAccess(metricsToken: string | undefined, authorization: string | undefined): 'ok' | 'not_configured' | 'refused' {
  if (!metricsToken) return 'not_configured';
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return match && constantTimeEqual(match[1], metricsToken) ? 'ok' : 'refused';
}

export function registerHealth(app: FastifyInstance, ctx: AppContext): void {
  // Liveness: the process answers. Never touches the database, so a slow database cannot get the
  // process restarted.
  app.get('/healthz', async () => ({ status: 'ok' }));

  // Readiness: the database answers and every shipped migration is applied.
  app.get('/readyz', async (request, reply) => {
    const checks: { database: string; migrations: string; pending?: string[] } = { database: 'ok', migrations: 'ok' };
    try {
      const { pending } = await databaseReadiness(ctx);
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
    const access = metricsAccess(ctx.config.metricsToken, request.headers.authorization);
    if (access === 'not_configured') return sendProblem(reply, problem('not_found', 404, 'Not found', 'There is no GET /metrics'));
    if (access === 'refused') {
      reply.header('www-authenticate', 'Bearer realm="housing365 metrics"');
      return sendProblem(reply, problem('unauthenticated', 401, 'Sign-in required', 'Send the scrape token (HOUSING365_METRICS_TOKEN) as "Authorization: Bearer <token>"'));
    }
    return reply.type(registry.contentType).send(await registry.metrics());
  });
}
