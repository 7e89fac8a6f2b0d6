// Graph's change and lifecycle notifications (https://learn.microsoft.com/graph/change-notifications-delivery-webhooks):
// - the validation handshake: a POST with ?validationToken=… is answered 200 text/plain with the token,
//   URL-decoded (Graph creates the subscription only if this comes back within 10 s);
// - notifications: checked (subscription known, clientState matches), turned into queued delta runs,
//   answered 202 — well inside Graph's 3 s, since no Graph call happens here. A POST whose every item is
//   refused gets 401; Graph would retry it, but a forger learns nothing.
// Anonymous by design: the clientState secret is the authentication.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app/context.ts';
import { receiveNotifications } from '../../app/notifications/receive.ts';
import { LIFECYCLE_PATH, WEBHOOK_PATH } from '../../app/notifications/subscriptions.ts';
import { notificationTriggers } from '../jobs/subscriptions.ts';
import { webhookLatency, webhookNotifications } from './metrics-realtime.ts';

export function registerWebhooks(app: FastifyInstance, ctx: AppContext): void {
  const handle = (kind: 'change' | 'lifecycle') => async (request: FastifyRequest, reply: FastifyReply) => {
    const started = performance.now();
    const token = (request.query as Record<string, unknown>).validationToken;
    if (typeof token === 'string') {
      // Fastify has already URL-decoded the query string, as Graph requires.
      return reply.code(200).type('text/plain; charset=utf-8').send(token);
    }
    if (!ctx.boss) return reply.code(503).send();
    const receipt = await receiveNotifications(ctx, request.body, notificationTriggers(ctx.boss));
    webhookNotifications.inc({ outcome: 'accepted' }, receipt.accepted);
    webhookNotifications.inc({ outcome: 'rejected' }, receipt.rejected);
    webhookLatency.observe({ kind }, (performance.now() - started) / 1000);
    return reply.code(receipt.accepted === 0 && receipt.rejected > 0 ? 401 : 202).send();
  };
  app.post(WEBHOOK_PATH, { bodyLimit: 4 * 1024 * 1024 }, handle('change'));
  app.post(LIFECYCLE_PATH, { bodyLimit: 1024 * 1024 }, handle('lifecycle'));
}
