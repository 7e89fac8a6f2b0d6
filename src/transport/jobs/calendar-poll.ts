// pg-boss wiring of inbound calendar polling (APPTIN_OUTLOOK365, guide §2.4.3). The poll scheduler's
// tick (poll-scheduler.ts, every few seconds) works out which calendars are due — CALI_POLL read afresh each tick, so a change
// applies without a restart — and queues one sync job per due calendar. Any number of worker
// processes share the calendars, each running up to CALENDAR_SYNCS_PER_WORKER at once.
//
// The sync queue and its policy are src/transport/jobs/sync-queues.ts's (one run of a calendar waiting,
// the calendar's lease in calendar_sync_state keeping runs one at a time).
//
// pg-boss 10 also waits the polling interval after every fetch, even one that found a job: with one
// job per fetch that is one calendar per 2 s per worker (1,000 calendars: 33 minutes a cycle). Each
// loop asks for its next job at once after a job (notifyWorker) and waits only when the queue is empty.
import type PgBoss from 'pg-boss';
import type { AppContext } from '../../app/context.ts';
import { planPoll } from '../../app/calendar-sync/poll-calendars.ts';
import { syncCalendar } from '../../app/calendar-sync/sync-calendar.ts';
import type { JobModule } from './job-module.ts';
import { CALENDAR_SYNC_QUEUE, ensureSyncQueue, queueSync, requeueBusy } from './sync-queues.ts';
import { wakeOnNotify } from './wake.ts';

/** The per-minute cron tick queue this module used before the poll scheduler; its schedule is removed. */
export const CALENDAR_POLL_TICK = 'calendar-poll-tick';
export { CALENDAR_SYNC_QUEUE };
/** Calendar syncs one worker process runs at once (each keeps ≤ 4 Graph requests in flight for its mailbox). */
export const CALENDAR_SYNCS_PER_WORKER = 8;

/** The tick: queue a sync for every due calendar. Returns how many were queued. */
export async function runCalendarPollTick(ctx: AppContext, boss: PgBoss, opts: { force?: boolean; calendar?: string } = {}): Promise<{ held?: string; queued: number }> {
  const plan = await planPoll(ctx, opts);
  if (plan.held) return { held: plan.held, queued: 0 };
  let queued = 0;
  for (const calendar of plan.due) {
    if (await queueSync(boss, 'calendar', calendar)) queued++;
  }
  return { queued };
}

async function runOne(ctx: AppContext, boss: PgBoss, calendar: string, deadlineMs: number | undefined): Promise<void> {
  // Checked again: the flow may have been switched off since the tick.
  const plan = await planPoll(ctx, { calendar, force: true });
  if (plan.held || plan.due.length === 0) return;
  const r = await syncCalendar(ctx, calendar, { gateway: plan.gateway!, settings: plan.settings!, deadlineMs });
  if (r.error) ctx.logger.warn({ calendar, err: r.error }, 'calendar sync failed');
  // Another run holds the calendar: this job may stand for a change that run has already read past.
  if (r.skipped) await requeueBusy(boss, 'calendar', calendar);
}

export interface CalendarPollJobOptions {
  /** Syncs run at once by this process (default CALENDAR_SYNCS_PER_WORKER). */
  concurrency?: number;
  /** A run that has not finished after this long ends with an error (syncCalendar's deadline; default 10 min). */
  syncDeadlineMs?: number;
}

export function calendarPollJobsWith(o: CalendarPollJobOptions = {}): JobModule {
  return {
    name: 'calendar-poll',
    async register(boss: PgBoss, ctx: AppContext) {
      await boss.unschedule(CALENDAR_POLL_TICK).catch(() => {});
      await ensureSyncQueue(boss, CALENDAR_SYNC_QUEUE);
      const loops: string[] = [];
      for (let i = 0; i < (o.concurrency ?? CALENDAR_SYNCS_PER_WORKER); i++) {
        // Assigned after work() returns, but read by the handler: a const would be in its dead zone
        // if the first job came before that.
        let loop: string | undefined;
        // eslint-disable-next-line prefer-const
        loop = await boss.work<{ calendar: string }>(CALENDAR_SYNC_QUEUE, { pollingIntervalSeconds: 2, batchSize: 1 }, async ([job]) => {
          try {
            if (job?.data?.calendar) await runOne(ctx, boss, job.data.calendar, o.syncDeadlineMs);
          } finally {
            // A job was there, so more may be: fetch the next at once rather than after the polling interval.
            if (loop) boss.notifyWorker(loop);
          }
        });
        loops.push(loop);
      }
      // A notification's run starts at once, not after the polling interval (wake.ts).
      wakeOnNotify(boss, ctx.logger, CALENDAR_SYNC_QUEUE, loops);
    },
  };
}

export const calendarPollJobs: JobModule = calendarPollJobsWith();
