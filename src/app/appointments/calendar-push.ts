import pLimit from 'p-limit';
// The calendar push worker's loop: check the flow may run, claim bookings with due changes, push each
// one (several at a time; the Graph client keeps ≤ 4 in flight per mailbox), and record the outcome —
// done, retry later with back-off, or dead-lettered. Replay puts dead changes back in the queue.
import { randomUUID } from 'node:crypto';
import {
  claimBookings,
  hasPendingOutbox,
  holdPending,
  markOutboxDone,
  markOutboxFailed,
  outboxSummary,
  releaseClaim,
  replayDead,
  selectDeadBookings,
  type OutboxSummary,
} from '../../adapters/db/bookings-outbox.ts';
import { updateOutlookSync } from '../../adapters/db/bookings.ts';
import { readEventTemplates } from '../../adapters/db/appointments-settings.ts';
import { DEFAULT_EVENT_BODY, DEFAULT_EVENT_SUBJECT, outlookWindowsZone } from '../../domain/appointments/event.ts';
import { isGraphFailure } from '../ports/graph-errors.ts';
import { decideFailure, FLOW_RULES } from '../../domain/failures/policy.ts';
import { failureFacts } from '../failure-facts.ts';
import type { CalendarGateway } from '../ports/graph.ts';
import { getIntegrationStatus } from '../integration.ts';
import { parameterValues } from '../parameters.ts';
import { LostClaim, pushBookingToOutlook, type PushOutcome, type PushSettings } from './push-booking-to-outlook.ts';
import { getBooking } from './bookings.ts';
import type { Actor, AppContext } from '../context.ts';

export interface DrainOptions {
  gateway?: CalendarGateway;
  /** Bookings claimed per round. */
  batch?: number;
  /** Bookings pushed at once. */
  concurrency?: number;
  leaseMs?: number;
  maxAttempts?: number;
  /** Keep claiming until nothing is due (default), or do one round. */
  untilIdle?: boolean;
}

export interface DrainResult {
  /** Why nothing was pushed, when the flow may not run. */
  held?: string;
  pushed: Partial<Record<PushOutcome, number>>;
  failed: number;
  dead: number;
}

/** Attempts before a booking's push is dead-lettered (the failure policy's bound). */
export const MAX_ATTEMPTS = FLOW_RULES['calendar-push'].itemMaxAttempts;

/** When to try a failed push again, or null to dead-letter it now — by the one failure policy. */
function nextAttemptAt(ctx: AppContext, err: unknown, attempts: number, maxAttempts: number): Date | null {
  const v = decideFailure('calendar-push', 'item', failureFacts(err), attempts, Math.random, { itemMaxAttempts: maxAttempts });
  return v.action === 'retry' ? new Date(ctx.now().getTime() + v.inMs) : null;
}

const describe = (err: unknown): string => {
  if (isGraphFailure(err)) return `${err.kind}${err.status ? ` ${err.status}` : ''}${err.graphCode ? ` ${err.graphCode}` : ''}: ${err.message}`;
  return (err as Error)?.message ?? String(err);
};

async function pushSettings(ctx: AppContext): Promise<PushSettings> {
  const [values, templates] = await Promise.all([parameterValues(ctx), readEventTemplates(ctx.db)]);
  return {
    windowsZone: outlookWindowsZone(values.OUTLOOK365_TIMEZONE),
    subjectTemplate: templates.subject ?? DEFAULT_EVENT_SUBJECT,
    bodyTemplate: templates.body ?? DEFAULT_EVENT_BODY,
  };
}

/** Pushes every due booking change (APPTOUT_OUTLOOK365). Safe to run in any number of processes at once. */
export async function drainCalendarOutbox(ctx: AppContext, opts: DrainOptions = {}): Promise<DrainResult> {
  const result: DrainResult = { pushed: {}, failed: 0, dead: 0 };
  const status = await getIntegrationStatus(ctx);
  const flow = status.flows.find((f) => f.flow === 'apptOut');
  const gateway = opts.gateway ?? ctx.graph?.calendar;
  const why = !flow?.running ? (flow?.reasons ?? ['outbound appointments are not configured']).join('; ') : !gateway ? 'Microsoft Graph is not configured' : undefined;
  if (why) {
    // Nothing is lost: the changes stay queued and go out when the flow is switched on.
    const held = await holdPending(ctx.db, `Not sent to Outlook: ${why}`);
    if (held > 0) ctx.logger.info({ held, reason: why }, 'calendar push held');
    return { ...result, held: why };
  }
  const settings = await pushSettings(ctx);
  const token = randomUUID();
  const leaseMs = opts.leaseMs ?? 5 * 60_000;
  const maxAttempts = opts.maxAttempts ?? MAX_ATTEMPTS;
  for (;;) {
    const claimed = await claimBookings(ctx.db, token, ctx.now(), leaseMs, opts.batch ?? 50);
    if (claimed.length === 0) break;
    const pushOne = async (item: (typeof claimed)[number]) => {
      const { bookingId, upToOutboxId } = item;
      const log = ctx.logger.child({ bookingId });
      try {
        const { outcome, patch } = await pushBookingToOutlook(ctx, gateway!, bookingId, token, settings);
        await ctx.db.transaction().execute(async (trx) => {
          if (!(await updateOutlookSync(trx, bookingId, patch, token))) throw new LostClaim();
          await markOutboxDone(trx, bookingId, upToOutboxId, ctx.now());
          // Changes queued while we pushed are still pending: the booking stays "pending" for them.
          if (await hasPendingOutbox(trx, bookingId)) await updateOutlookSync(trx, bookingId, { state: 'pending' });
          await releaseClaim(trx, bookingId, token);
        });
        result.pushed[outcome] = (result.pushed[outcome] ?? 0) + 1;
      } catch (err) {
        if (err instanceof LostClaim) {
          result.pushed['lost-claim'] = (result.pushed['lost-claim'] ?? 0) + 1;
          return;
        }
        const message = describe(err);
        const { attempts, dead } = await ctx.db.transaction().execute(async (trx) => {
          const r = await markOutboxFailed(trx, bookingId, upToOutboxId, message, (n) => nextAttemptAt(ctx, err, n, maxAttempts));
          await updateOutlookSync(trx, bookingId, { state: r.dead ? 'dead' : 'failed', error: message });
          await releaseClaim(trx, bookingId, token);
          return r;
        });
        if (dead) result.dead++;
        else result.failed++;
        log.warn({ attempts, dead, err: message }, dead ? 'calendar push dead-lettered' : 'calendar push failed; will retry');
      }
    };
    const limit = pLimit(opts.concurrency ?? 8);
    await Promise.all(claimed.map((item) => limit(() => pushOne(item))));
    if (opts.untilIdle === false) break;
  }
  return result;
}

/** Dead-lettered calendar changes back in the queue: one booking's, or all. */
export async function replayCalendarChanges(ctx: AppContext, actor: Actor, ref?: number): Promise<number> {
  const bookingId = ref === undefined ? undefined : (await getBooking(ctx, { ref })).id;
  const n = await replayDead(ctx.db, { bookingId }, ctx.now());
  ctx.logger.info({ bookings: n, ref, by: actor.username }, 'calendar changes replayed');
  return n;
}

/** For the Integration page: queue counts and the dead-lettered bookings. */
export async function calendarPushStatus(ctx: AppContext): Promise<{ summary: OutboxSummary; dead: Awaited<ReturnType<typeof selectDeadBookings>> }> {
  const [summary, dead] = await Promise.all([outboxSummary(ctx.db, ctx.now()), selectDeadBookings(ctx.db)]);
  return { summary, dead };
}
