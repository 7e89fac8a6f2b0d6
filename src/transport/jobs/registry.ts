import type PgBoss from 'pg-boss';
import type { AppContext } from '../../app/context.ts';
import { inboxPollJobs } from './inbox-poll.ts';
import { calendarPushJobs } from './calendar-push.ts';
import { calendarPollJobs } from './calendar-poll.ts';
import { outboxJobs } from './outbox.ts';
import { subscriptionJobs } from './subscriptions.ts';
import { pollSchedulerJobs } from './poll-scheduler.ts';
import { complaintReminderJobs } from './complaint-reminder.ts';
import type { JobModule } from './job-module.ts';

export type { JobModule } from './job-module.ts';

// Add each flow's module to this list (one import and one entry per flow).
// The poll scheduler comes last: its first tick queues work for the queues the others made.
export const jobModules: JobModule[] = [inboxPollJobs, calendarPushJobs, calendarPollJobs, outboxJobs, subscriptionJobs, complaintReminderJobs, pollSchedulerJobs];

export async function registerJobs(boss: PgBoss, ctx: AppContext): Promise<void> {
  for (const m of jobModules) {
    await m.register(boss, ctx);
    ctx.logger.debug({ module: m.name }, 'job module registered');
  }
}
