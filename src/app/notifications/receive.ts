// What a change or lifecycle notification POST becomes (https://learn.microsoft.com/graph/change-notifications-delivery-webhooks,
// /graph/change-notifications-lifecycle-events). Each item must name a subscription we made and carry
// its secret clientState, else it is refused and logged. Accepted items only *trigger* work: one delta
// run per inbox or calendar however many items name it (the sync queues hold at most one waiting run
// per mailbox, so a burst of 100 notifications is one run). The caller answers 202 at once; nothing
// here calls Graph, so it stays well inside Graph's 3 seconds.
import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { countNotifications, recordLifecycle, saveStatus, selectBySubscriptionIds, type Subscription } from '../../adapters/db/subscriptions.ts';
import type { AppContext } from '../context.ts';

const Item = z.object({
  subscriptionId: z.string().min(1),
  clientState: z.string().optional().nullable(),
  changeType: z.string().optional(),
  lifecycleEvent: z.string().optional(),
  resource: z.string().optional(),
});
const Body = z.object({ value: z.array(z.unknown()).max(10_000) });

export type LifecycleEvent = 'subscriptionRemoved' | 'missed' | 'reauthorizationRequired';

/** What the transport does with accepted notifications (queue names live in transport/jobs). */
export interface NotificationTriggers {
  runInbox(code: string): Promise<void>;
  runCalendar(address: string): Promise<void>;
  lifecycle(subscription: Subscription, event: LifecycleEvent): Promise<void>;
}

export interface Receipt {
  accepted: number;
  rejected: number;
  runs: number;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export async function receiveNotifications(ctx: AppContext, body: unknown, triggers: NotificationTriggers): Promise<Receipt> {
  const parsed = Body.safeParse(body);
  if (!parsed.success) return { accepted: 0, rejected: 1, runs: 0 };
  const items = parsed.data.value.map((v) => Item.safeParse(v)).flatMap((r) => (r.success ? [r.data] : []));
  const invalid = parsed.data.value.length - items.length;
  const subs = new Map((await selectBySubscriptionIds(ctx.db, [...new Set(items.map((i) => i.subscriptionId))])).map((s) => [s.subscriptionId!, s]));
  const perSub = new Map<number, { sub: Subscription; accepted: number; rejected: number }>();
  const runs = new Map<string, Subscription>();
  const lifecycle: { sub: Subscription; event: LifecycleEvent }[] = [];
  let rejected = invalid;
  for (const item of items) {
    const sub = subs.get(item.subscriptionId);
    const ok = !!sub && !!item.clientState && sameSecret(item.clientState, sub.clientState);
    if (sub) {
      const c = perSub.get(sub.id) ?? { sub, accepted: 0, rejected: 0 };
      c[ok ? 'accepted' : 'rejected']++;
      perSub.set(sub.id, c);
    }
    if (!ok) {
      rejected++;
      // Never log the secret we expected, nor the one we got.
      ctx.logger.warn({ subscriptionId: item.subscriptionId, known: !!sub, target: sub?.target }, 'change notification refused: unknown subscription or clientState mismatch');
      continue;
    }
    if (item.lifecycleEvent) lifecycle.push({ sub: sub!, event: item.lifecycleEvent as LifecycleEvent });
    else runs.set(`${sub!.kind}\u0000${sub!.target}`, sub!);
  }
  for (const sub of runs.values()) {
    if (sub.kind === 'inbox') await triggers.runInbox(sub.target);
    else await triggers.runCalendar(sub.target);
  }
  for (const { sub, event } of lifecycle) {
    await recordLifecycle(ctx.db, sub.id, event);
    if (event === 'subscriptionRemoved') await saveStatus(ctx.db, sub.id, 'removed');
    await triggers.lifecycle(sub, event);
  }
  for (const c of perSub.values()) await countNotifications(ctx.db, c.sub.id, c.accepted, c.rejected);
  return { accepted: items.length - (rejected - invalid), rejected, runs: runs.size };
}
