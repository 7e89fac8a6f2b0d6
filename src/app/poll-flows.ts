// What the job processes' poll scheduler decides each tick, from the database alone (issue 14 §3, §4):
// which flows may run now (licence, OUTLOOK365, each switch and its parameters, polling not stopped),
// and its record of the last tick, which the status commands read to report what the running system
// does rather than what their own process could do.
import { readPollStopped as readCalendarPollStopped } from '../adapters/db/calendar-sync.ts';
import { readPollStopped as readInboundPollStopped } from '../adapters/db/inbound-sync.ts';
import { readSchedulerRecord, schedulerLockKey, writeSchedulerRecord, type FlowsRunning, type SchedulerRecord } from '../adapters/db/poll-scheduler.ts';
import { withSessionLock } from '../adapters/db/session-lock.ts';
import { POLL_TICK_MS } from '../domain/params/poll-cadence.ts';
import type { AppContext } from './context.ts';
import { getIntegrationStatus } from './integration.ts';

export type { FlowsRunning, SchedulerRecord };
/** The NOTIFY channel and the settings-changed payload (adapters/db/settings-signal.ts), for the job processes' listener. */
export { SETTINGS_CHANGED, WAKE_CHANNEL } from '../adapters/db/settings-signal.ts';
export const FLOWS = ['emailOut', 'emailIn', 'apptOut', 'apptIn'] as const;

/** Each flow: may it run now? Inbound flows also need their polling not stopped. */
export async function flowsRunning(ctx: AppContext): Promise<FlowsRunning> {
  const [status, inbound, calendars] = await Promise.all([getIntegrationStatus(ctx), readInboundPollStopped(ctx.db), readCalendarPollStopped(ctx.db)]);
  const on = (f: (typeof FLOWS)[number]) => status.flows.find((x) => x.flow === f)?.running ?? false;
  return { emailOut: on('emailOut'), emailIn: on('emailIn') && !inbound.stopped, apptOut: on('apptOut'), apptIn: on('apptIn') && !calendars.stopped };
}

export const pollSchedulerRecord = (ctx: AppContext): Promise<SchedulerRecord> => readSchedulerRecord(ctx.db);

/** A job process that has not ticked for this long is taken to be gone (a tick is every 5 s). */
export const SCHEDULER_SILENT_MS = 60_000;

export interface SchedulerLiveness {
  lastTickAt: Date | null;
  /** Why nothing is polling, when no job process has ticked lately. */
  problem?: string;
}

/**
 * Whether a job process (`housing365 start` or `worker`) is polling, from its record in the database
 * — what a status command in another process (with no Graph connection of its own) reports.
 */
export async function schedulerLiveness(ctx: AppContext): Promise<SchedulerLiveness> {
  const { lastTickAt } = await readSchedulerRecord(ctx.db);
  const silent = !lastTickAt || ctx.now().getTime() - lastTickAt.getTime() > SCHEDULER_SILENT_MS;
  if (!silent) return { lastTickAt };
  const since = lastTickAt ? `since ${lastTickAt.toISOString().replace('T', ' ').slice(0, 19)} UTC` : 'yet';
  return { lastTickAt, problem: `No housing365 job process has checked the polls ${since}: is \`housing365 start\` or \`housing365 worker\` running?` };
}

/**
 * One scheduler tick across the cluster: `fn` runs under a lock only one process holds at a time,
 * and only when no other process ticked less than a tick ago (unless `immediate`: a settings change).
 * It gets the flows running now and those that were running at the last tick, and the record is
 * written after it. Returns undefined when this process did not tick.
 */
export async function schedulerTick<T>(ctx: AppContext, opts: { immediate?: boolean; tickMs?: number }, fn: (now: FlowsRunning, before: FlowsRunning | null) => Promise<T>): Promise<T | undefined> {
  const r = await withSessionLock(ctx.db, schedulerLockKey(), async (conn) => {
    const last = await readSchedulerRecord(conn);
    const at = ctx.now();
    const since = last.lastTickAt ? at.getTime() - last.lastTickAt.getTime() : Infinity;
    if (!opts.immediate && since >= 0 && since < (opts.tickMs ?? POLL_TICK_MS) - 1_000) return undefined;
    const flows = await flowsRunning(ctx);
    const value = await fn(flows, last.flows);
    await writeSchedulerRecord(conn, at, flows);
    return value;
  });
  return r.locked ? r.value : undefined;
}
