import type PgBoss from 'pg-boss';
import type { AppContext } from '../../app/context.ts';
import { inboxPollJobs } from './inbox-poll.ts';
import { calendarPushJobs } from './calendar-push.ts';
import { calendarPollJobs } from './calendar-poll.ts';
import { outboxJobs } from './outbox.ts';
import { subscriptionJobs } from './subscriptions.ts';

/**
 * A background flow (outbox sender, inbox poll, calendar push …) registers its pg-boss queues,
 * workers and schedules here. Each flow is one module; `housing365 start` (and later `worker`)
 * registers them all after pg-boss has started, and pg-boss stops them on shutdown.
 */
export interface JobModule {
  name: string;
  register(boss: PgBoss, ctx: AppContext): Promise<void>;
}

// Add each flow's module to this list (one import and one entry per flow).
export const jobModules: JobModule[] = [inboxPollJobs, calendarPushJobs, calendarPollJobs, outboxJobs, subscriptionJobs];

export async function registerJobs(boss: PgBoss, ctx: AppContext): Promise<void> {
  for (const m of jobModules) {
    await m.register(boss, ctx);
    ctx.logger.debug({ module: m.name }, 'job module registered');
  }
}
