// pg-boss wiring of inbound calendar polling (APPTIN_OUTLOOK365, guide §2.4.3). A tick every minute
// (cron's floor) works out which calendars are due — CALI_POLL read afresh each tick, so a change
// applies without a restart — and queues one sync job per due calendar. The sync queue is 'stately'
// with the calendar as singletonKey: at most one job per calendar waiting and one running, across
// every worker process; the calendar's lease in calendar_sync_state is the backstop. Any number of
// workers share the calendars.
import type PgBoss from 'pg-boss';
import type { AppContext } from '../../app/context.ts';
import { planPoll } from '../../app/calendar-sync/poll-calendars.ts';
import { syncCalendar } from '../../app/calendar-sync/sync-calendar.ts';
import type { JobModule } from './registry.ts';

export const CALENDAR_POLL_TICK = 'calendar-poll-tick';
export const CALENDAR_SYNC_QUEUE = 'calendar-sync';

/** The tick: queue a sync for every due calendar. Returns how many were queued. */
export async function runCalendarPollTick(ctx: AppContext, boss: PgBoss, opts: { force?: boolean; calendar?: string } = {}): Promise<{ held?: string; queued: number }> {
  const plan = await planPoll(ctx, opts);
  if (plan.held) return { held: plan.held, queued: 0 };
  let queued = 0;
  for (const calendar of plan.due) {
    const id = await boss.send(CALENDAR_SYNC_QUEUE, { calendar }, { singletonKey: calendar, retryLimit: 0, expireInSeconds: 30 * 60 });
    if (id) queued++;
  }
  return { queued };
}

async function runOne(ctx: AppContext, calendar: string): Promise<void> {
  // Checked again: the flow may have been switched off since the tick.
  const plan = await planPoll(ctx, { calendar, force: true });
  if (plan.held || plan.due.length === 0) return;
  const r = await syncCalendar(ctx, calendar, { gateway: plan.gateway!, settings: plan.settings! });
  if (r.error) ctx.logger.warn({ calendar, err: r.error }, 'calendar sync failed');
}

export const calendarPollJobs: JobModule = {
  name: 'calendar-poll',
  async register(boss: PgBoss, ctx: AppContext) {
    await boss.createQueue(CALENDAR_POLL_TICK, { name: CALENDAR_POLL_TICK, policy: 'short', retryLimit: 0, expireInSeconds: 5 * 60 });
    await boss.createQueue(CALENDAR_SYNC_QUEUE, { name: CALENDAR_SYNC_QUEUE, policy: 'stately', retryLimit: 0, expireInSeconds: 30 * 60 });
    await boss.work(CALENDAR_POLL_TICK, { pollingIntervalSeconds: 5, batchSize: 1 }, async () => {
      const r = await runCalendarPollTick(ctx, boss);
      if (r.queued) ctx.logger.debug({ queued: r.queued }, 'calendar syncs queued');
    });
    await boss.work<{ calendar: string }>(CALENDAR_SYNC_QUEUE, { pollingIntervalSeconds: 2, batchSize: 1 }, async ([job]) => {
      if (job?.data?.calendar) await runOne(ctx, job.data.calendar);
    });
    await boss.schedule(CALENDAR_POLL_TICK, '* * * * *', {}, { singletonKey: 'schedule' });
  },
};
