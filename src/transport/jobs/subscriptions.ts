// pg-boss wiring of change notifications (issue 8): a tick every minute keeps one Graph subscription per
// inbox and calendar (create, renew, delete), lifecycle notifications are followed up here, and
// notifications turn into runs on the inbox and calendar sync queues (sync-queues.ts): however many
// notifications arrive, a mailbox has at most one run waiting, and runs one at a time on any worker —
// a burst of 100 notifications is one delta run.
import type PgBoss from 'pg-boss';
import type { AppContext } from '../../app/context.ts';
import { followLifecycleEvent } from '../../app/notifications/lifecycle.ts';
import type { LifecycleEvent, NotificationTriggers } from '../../app/notifications/receive.ts';
import { maintainSubscriptionsExclusively } from '../../app/notifications/subscriptions.ts';
import { CALENDAR_SYNC_QUEUE, ensureQueue, INBOX_SYNC_QUEUE, queueSync } from './sync-queues.ts';
import { wakeWorkers } from './wake.ts';
import type { JobModule } from './job-module.ts';

export const SUBSCRIPTIONS_TICK = 'subscriptions-tick';
export const SUBSCRIPTION_LIFECYCLE = 'subscription-lifecycle';

const LIFECYCLE_QUEUE: PgBoss.Queue = { name: SUBSCRIPTION_LIFECYCLE, policy: 'standard', retryLimit: 3, retryDelay: 30, expireInSeconds: 10 * 60 };

/** Creates the queue lifecycle notifications go to (a web-only process may be the first to send). */
export const ensureNotificationQueues = (boss: PgBoss): Promise<void> => ensureQueue(boss, LIFECYCLE_QUEUE);

export async function runDelta(boss: PgBoss, kind: 'inbox' | 'calendar', target: string): Promise<void> {
  // Queued (not coalesced into a run already waiting): wake the idle sync loops of every worker now.
  if (await queueSync(boss, kind, target)) await wakeWorkers(boss, kind === 'inbox' ? INBOX_SYNC_QUEUE : CALENDAR_SYNC_QUEUE);
}

/** The webhook's triggers: everything becomes a pg-boss job, so the HTTP process does no Graph work. */
export function notificationTriggers(boss: PgBoss): NotificationTriggers {
  return {
    runInbox: (code) => runDelta(boss, 'inbox', code),
    runCalendar: (address) => runDelta(boss, 'calendar', address),
    async lifecycle(sub, event) {
      await ensureNotificationQueues(boss);
      await boss.send(SUBSCRIPTION_LIFECYCLE, { id: sub.id, event });
    },
  };
}

export const subscriptionJobs: JobModule = {
  name: 'subscriptions',
  async register(boss: PgBoss, ctx: AppContext) {
    // One tick waiting at most ('short'), and one running across all workers: the tick is the only
    // place that creates subscriptions, so it holds a session advisory lock (gone with its process) —
    // two never race to create one for the same mailbox. Not 'stately': pg-boss 10 then stops fetching
    // the queue while a tick is active with another waiting (see sync-queues.ts).
    await ensureQueue(boss, { name: SUBSCRIPTIONS_TICK, policy: 'short', retryLimit: 0, expireInSeconds: 10 * 60 });
    await ensureNotificationQueues(boss);
    await boss.work(SUBSCRIPTIONS_TICK, { pollingIntervalSeconds: 5, batchSize: 1 }, async () => {
      const run = await maintainSubscriptionsExclusively(ctx);
      // Another worker is maintaining them right now; look again once it is likely done (a
      // resubscription asked for meanwhile may come after the point that run has passed).
      if (!run.locked) return void (await boss.send(SUBSCRIPTIONS_TICK, {}, { startAfter: 10 }));
      const r = run.value;
      if (r.created || r.renewed || r.removed || r.failed) ctx.logger.info(r, 'change-notification subscriptions maintained');
    });
    await boss.work<{ id: number; event: LifecycleEvent }>(SUBSCRIPTION_LIFECYCLE, { pollingIntervalSeconds: 2, batchSize: 1 }, async ([job]) => {
      if (!job?.data) return;
      const outcome = await followLifecycleEvent(ctx, job.data, {
        runDelta: (kind, target) => runDelta(boss, kind, target),
        resubscribe: async () => void (await boss.send(SUBSCRIPTIONS_TICK, {})),
      });
      ctx.logger.info({ subscription: job.data.id, event: job.data.event, outcome }, 'lifecycle notification followed up');
    });
    await boss.schedule(SUBSCRIPTIONS_TICK, '* * * * *', {}, { singletonKey: 'schedule' });
    // Subscribe at start rather than at the next minute.
    await boss.send(SUBSCRIPTIONS_TICK, {});
  },
};
