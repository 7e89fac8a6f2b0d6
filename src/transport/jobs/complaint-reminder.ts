// pg-boss wiring of the daily complaints reminder (issue 19): an hourly look; the app decides whether
// today's reminder is due (switched on, past 07:00 in the organisation's zone, not yet sent today).
import type PgBoss from 'pg-boss';
import type { AppContext } from '../../app/context.ts';
import { sendComplaintReminder } from '../../app/complaints/reminders.ts';
import type { JobModule } from './job-module.ts';

export const COMPLAINT_REMINDER_QUEUE = 'complaints-reminder';

export const complaintReminderJobs: JobModule = {
  name: 'complaints-reminder',
  async register(boss: PgBoss, ctx: AppContext) {
    await boss.createQueue(COMPLAINT_REMINDER_QUEUE, { name: COMPLAINT_REMINDER_QUEUE, policy: 'short', retryLimit: 0, expireInSeconds: 10 * 60 });
    await boss.work(COMPLAINT_REMINDER_QUEUE, { pollingIntervalSeconds: 30, batchSize: 1 }, async () => {
      const r = await sendComplaintReminder(ctx);
      if (r.sent) ctx.logger.info({ to: r.to, complaints: r.complaints }, 'complaints reminder queued');
    });
    await boss.schedule(COMPLAINT_REMINDER_QUEUE, '5 * * * *', {}, { singletonKey: 'schedule' });
  },
};
