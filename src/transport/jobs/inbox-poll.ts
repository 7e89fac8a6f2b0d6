// pg-boss wiring of inbound email (EMAILIN_OUTLOOK365, guide §2.2.6) and of Task Manager event
// queries (§2.2.4). The poll scheduler's tick (poll-scheduler.ts, every few seconds) works out which
// inboxes are due — EMI_POLL and the EXCHANGE_INBOX values read afresh each tick, so a change applies
// without a restart — and queues one sync job per due inbox. The sync queue (src/transport/jobs/sync-queues.ts) holds at most one
// job per inbox waiting; the per-inbox advisory lock in syncInbox keeps runs one at a time, across
// every worker, and a run that finds the inbox busy queues itself again. After an import the event
// queries run at once, not at their next tick.
import type PgBoss from 'pg-boss';
import { markHandledInOutlook } from '../../app/inbound/mark-handled.ts';
import type { AppContext } from '../../app/context.ts';
import { planInboxPoll } from '../../app/inbound/poll-inboxes.ts';
import { syncInbox } from '../../app/inbound/sync-inbox.ts';
import { listEventQueries, runDueEventQueries, runEventQuery } from '../../app/tasks/event-queries.ts';
import type { JobModule } from './job-module.ts';
import { ensureSyncQueue, INBOX_SYNC_QUEUE, queueSync, requeueBusy } from './sync-queues.ts';
import { wakeOnNotify } from './wake.ts';

/** The per-minute cron tick queue this module used before the poll scheduler; its schedule is removed. */
export const INBOX_POLL_TICK = 'inbox-poll-tick';
export { INBOX_SYNC_QUEUE };
export const EVENT_QUERY_QUEUE = 'task-event-queries';

export async function runInboxPollTick(ctx: AppContext, boss: PgBoss, opts: { force?: boolean } = {}): Promise<{ held?: string; queued: number }> {
  const plan = await planInboxPoll(ctx, { force: opts.force });
  if (plan.held) return { held: plan.held, queued: 0 };
  let queued = 0;
  for (const i of plan.due) {
    if (await queueSync(boss, 'inbox', i.code)) queued++;
  }
  return { queued };
}

async function runOne(ctx: AppContext, boss: PgBoss, code: string): Promise<void> {
  // Checked again: the flow may have been switched off since the tick.
  const plan = await planInboxPoll(ctx, { inbox: code, force: true });
  const inbox = plan.due[0];
  if (plan.held || !inbox || !ctx.graph) return;
  const graph = ctx.graph;
  const r = await syncInbox(ctx, inbox, { gateway: graph.mail, requestCount: () => graph.stats.requests });
  // Another run holds the inbox: this job may stand for mail that run has already read past.
  if (r.skipped) await requeueBusy(boss, 'inbox', code);
  if (r.imported > 0) await boss.send(EVENT_QUERY_QUEUE, { after: code }, { singletonKey: 'after-import', singletonSeconds: 2 });
  // Emails that have their task by now (raised by the last event query run) are tagged in Outlook.
  await markHandledInOutlook(ctx, graph.mail, inbox).catch((err) => ctx.logger.warn({ err, inbox: code }, 'marking handled mail in Outlook failed'));
}

export const inboxPollJobs: JobModule = {
  name: 'inbox-poll',
  async register(boss: PgBoss, ctx: AppContext) {
    await boss.unschedule(INBOX_POLL_TICK).catch(() => {});
    await ensureSyncQueue(boss, INBOX_SYNC_QUEUE);
    await boss.createQueue(EVENT_QUERY_QUEUE, { name: EVENT_QUERY_QUEUE, policy: 'short', retryLimit: 0, expireInSeconds: 10 * 60 });
    // Assigned after work() returns, but read by the handler (see calendar-poll.ts).
    let loop: string | undefined;
    // eslint-disable-next-line prefer-const
    loop = await boss.work<{ inbox: string }>(INBOX_SYNC_QUEUE, { pollingIntervalSeconds: 2, batchSize: 1 }, async ([job]) => {
      try {
        if (job?.data?.inbox) await runOne(ctx, boss, job.data.inbox);
      } finally {
        // A job was there, so more may be (another inbox due at the same tick): fetch at once.
        if (loop) boss.notifyWorker(loop);
      }
    });
    // A notification's run starts at once, not after the polling interval (wake.ts).
    wakeOnNotify(boss, ctx.logger, INBOX_SYNC_QUEUE, [loop]);
    await boss.work<{ after?: string }>(EVENT_QUERY_QUEUE, { pollingIntervalSeconds: 2, batchSize: 1 }, async ([job]) => {
      if (job?.data?.after) {
        for (const q of await listEventQueries(ctx)) if (q.enabled) await runEventQuery(ctx, q.id);
      } else {
        await runDueEventQueries(ctx);
      }
    });
  },
};
