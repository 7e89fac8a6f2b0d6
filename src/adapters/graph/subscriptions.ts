/**
 * Change-notification subscriptions (https://learn.microsoft.com/graph/api/resources/subscription):
 * create (Graph validates the URLs before it answers 201), renew by PATCH, reauthorize, delete.
 * Requests carry the mailbox so they take one of its four concurrency slots.
 */
import type { SubscriptionGateway, SubscriptionInfo } from '../../app/notifications/ports.ts';
import { GraphNotFound } from './errors.ts';
import type { GraphTransport } from './transport.ts';

interface GraphSubscription {
  id: string;
  expirationDateTime: string;
}

const info = (s: GraphSubscription): SubscriptionInfo => ({ id: s.id, expiresAt: new Date(s.expirationDateTime) });

export function createSubscriptionGateway(transport: GraphTransport): SubscriptionGateway {
  const seg = encodeURIComponent;
  return {
    async create(input, mailbox) {
      const res = await transport.json<GraphSubscription>({
        method: 'POST',
        path: '/subscriptions',
        mailbox,
        // Not retried blindly: a create lost in a time-out leaves a subscription we never learnt the id
        // of. Its notifications are refused (unknown subscription) and Graph drops it at expiry.
        // Graph validates the notification URLs inside this request (up to 10 s each).
        timeoutMs: 60_000,
        body: {
          changeType: input.changeType,
          notificationUrl: input.notificationUrl,
          lifecycleNotificationUrl: input.lifecycleNotificationUrl,
          resource: input.resource,
          expirationDateTime: input.expiresAt.toISOString(),
          clientState: input.clientState,
        },
      });
      return info(res.body);
    },
    async renew(id, expiresAt, mailbox) {
      try {
        const res = await transport.json<GraphSubscription>({ method: 'PATCH', path: `/subscriptions/${seg(id)}`, mailbox, body: { expirationDateTime: expiresAt.toISOString() } });
        return info(res.body);
      } catch (e) {
        if (e instanceof GraphNotFound) return undefined;
        throw e;
      }
    },
    async reauthorize(id, mailbox) {
      try {
        await transport.json({ method: 'POST', path: `/subscriptions/${seg(id)}/reauthorize`, mailbox, idempotent: true });
        return true;
      } catch (e) {
        if (e instanceof GraphNotFound) return false;
        throw e;
      }
    },
    async remove(id, mailbox) {
      try {
        await transport.json({ method: 'DELETE', path: `/subscriptions/${seg(id)}`, mailbox });
      } catch (e) {
        if (!(e instanceof GraphNotFound)) throw e;
      }
    },
  };
}
