// The follow-up of a lifecycle notification (https://learn.microsoft.com/graph/change-notifications-lifecycle-events),
// run as a job so the webhook can answer at once:
// - reauthorizationRequired: POST …/reauthorize (a renewal if that fails), then a delta run, since
//   Graph may have held notifications back meanwhile;
// - missed: Graph dropped notifications: a delta run finds what they would have said;
// - subscriptionRemoved: a new subscription, then a delta run.
// New subscriptions are made by `resubscribe` — the subscriptions tick, which pg-boss runs one at a
// time — so a lifecycle event and the tick never both create one for the same mailbox.
import { saveActive, saveStatus, selectSubscription } from '../../adapters/db/subscriptions.ts';
import type { AppContext } from '../context.ts';
import type { LifecycleEvent } from './receive.ts';
import { SUBSCRIPTION_LIFETIME_MS } from './subscriptions.ts';
import type { SubscriptionGateway } from './ports.ts';

export async function followLifecycleEvent(
  ctx: AppContext,
  input: { id: number; event: LifecycleEvent },
  deps: { gateway?: SubscriptionGateway; runDelta(kind: 'inbox' | 'calendar', target: string): Promise<void>; resubscribe(): Promise<void> },
): Promise<string> {
  const gateway = deps.gateway ?? ctx.graph?.subscriptions;
  const sub = await selectSubscription(ctx.db, input.id);
  if (!sub) return 'subscription no longer wanted';
  if (input.event === 'reauthorizationRequired' && gateway && sub.subscriptionId) {
    let ok = await gateway.reauthorize(sub.subscriptionId, sub.mailbox).catch(() => false);
    if (!ok) {
      const renewed = await gateway.renew(sub.subscriptionId, new Date(ctx.now().getTime() + SUBSCRIPTION_LIFETIME_MS), sub.mailbox).catch(() => undefined);
      if (renewed) await saveActive(ctx.db, sub.id, { subscriptionId: renewed.id, expiresAt: renewed.expiresAt });
      ok = !!renewed;
    }
    if (!ok) {
      await saveStatus(ctx.db, sub.id, 'removed', 'reauthorization failed: subscription re-created');
      await deps.resubscribe();
    }
  } else if (input.event === 'subscriptionRemoved') {
    await deps.resubscribe();
  }
  await deps.runDelta(sub.kind, sub.target);
  return `${input.event} handled`;
}
