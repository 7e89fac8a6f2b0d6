// pg-boss wiring of the email outbox (EMAILOUT_OUTLOOK365). The email_outbox table is the queue of
// record; the pg-boss queue only says "there may be mail to send": API/UI/CLI enqueues wake it after
// commit, flows may call kickOutbox(ctx), and a schedule every minute is the floor (retries whose
// back-off has passed, claims of dead workers, held mail released). 'short' keeps at most one wake-up
// waiting. Any number of workers may drain at once: each email is claimed by one (SKIP LOCKED).
import type PgBoss from 'pg-boss';
import type { AppContext } from '../../app/context.ts';
import { OUTBOX_QUEUE } from '../../app/email/enqueue.ts';
import { drainOutbox, type DrainOptions } from '../../app/email/send-outbox.ts';
import type { JobModule } from './job-module.ts';

export async function runOutbox(ctx: AppContext, boss: PgBoss | undefined, opts: DrainOptions = {}): Promise<void> {
  const r = await drainOutbox(ctx, opts);
  if (r.sent || r.failed || r.dead) ctx.logger.info({ sent: r.sent, failed: r.failed, dead: r.dead, rateLimited: r.rateLimited }, 'email outbox round');
  if (r.held) ctx.logger.info({ held: r.held, reason: r.heldReason }, 'outbound email held');
  // The minute's allowance ran out: come back when it has room again rather than at the next schedule tick.
  if (r.rateLimited) await boss?.send(OUTBOX_QUEUE, {}, { startAfter: 5 }).catch(() => undefined);
}

export const outboxJobs: JobModule = {
  name: 'email-outbox',
  async register(boss: PgBoss, ctx: AppContext) {
    await boss.createQueue(OUTBOX_QUEUE, { name: OUTBOX_QUEUE, policy: 'short', retryLimit: 0, expireInSeconds: 15 * 60 });
    await boss.work(OUTBOX_QUEUE, { pollingIntervalSeconds: 2, batchSize: 1 }, async () => runOutbox(ctx, boss));
    await boss.schedule(OUTBOX_QUEUE, '* * * * *', {}, { singletonKey: 'schedule' });
    await boss.send(OUTBOX_QUEUE, {}).catch(() => undefined);
  },
};
