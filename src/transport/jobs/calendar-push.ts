// pg-boss wiring of the calendar push (APPTOUT_OUTLOOK365). The calendar_outbox table is the queue of
// record; the pg-boss queue only says "there is something to push": booking use cases send a wake-up
// after commit, and a schedule every minute is the floor (it also picks up retries whose back-off has
// passed). The queue's 'short' policy keeps at most one wake-up waiting, so a burst of bookings costs
// one drain, not one job each. Any number of workers may drain at once: each booking is claimed by one.
import type PgBoss from 'pg-boss';
import type { AppContext } from '../../app/context.ts';
import { drainCalendarOutbox } from '../../app/appointments/calendar-push.ts';
import { CALENDAR_PUSH_QUEUE } from '../../app/appointments/calendar-outbox.ts';
import { extendAllDiarySlots } from '../../app/appointments/diaries.ts';

/** Daily: every diary's slots are kept eight weeks ahead of today. */
export const SLOT_HORIZON_QUEUE = 'appointment-slot-horizon';
import type { JobModule } from './job-module.ts';

export async function runCalendarPush(ctx: AppContext): Promise<void> {
  const r = await drainCalendarOutbox(ctx);
  const pushed = Object.values(r.pushed).reduce((a, b) => a + (b ?? 0), 0);
  if (pushed || r.failed || r.dead) ctx.logger.info({ pushed: r.pushed, failed: r.failed, dead: r.dead }, 'calendar push round');
}

export const calendarPushJobs: JobModule = {
  name: 'calendar-push',
  async register(boss: PgBoss, ctx: AppContext) {
    await boss.createQueue(CALENDAR_PUSH_QUEUE, { name: CALENDAR_PUSH_QUEUE, policy: 'short', retryLimit: 0, expireInSeconds: 15 * 60 });
    await boss.work(CALENDAR_PUSH_QUEUE, { pollingIntervalSeconds: 2, batchSize: 1 }, async () => runCalendarPush(ctx));
    await boss.schedule(CALENDAR_PUSH_QUEUE, '* * * * *', {}, { singletonKey: 'schedule' });
    // Anything queued while no worker ran goes out now rather than at the next minute.
    await boss.send(CALENDAR_PUSH_QUEUE, {}).catch(() => undefined);

    await boss.createQueue(SLOT_HORIZON_QUEUE, { name: SLOT_HORIZON_QUEUE, policy: 'short', retryLimit: 2 });
    await boss.work(SLOT_HORIZON_QUEUE, async () => {
      const r = await extendAllDiarySlots(ctx);
      const added = r.reduce((a, x) => a + x.added, 0);
      if (added) ctx.logger.info({ added, diaries: r.length }, 'appointment slots extended');
    });
    await boss.schedule(SLOT_HORIZON_QUEUE, '15 2 * * *');
  },
};
