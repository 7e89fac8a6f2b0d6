// The poll scheduler of the job processes (issue 14 §3). Every POLL_TICK_MS (5 s) one process of the
// cluster checks what is due — inboxes every EMI_POLL minutes, calendars every CALI_POLL minutes, both
// counted from the start of the last run (domain/params/poll-cadence.ts) — queues those runs and
// wakes the sync loops, so a 1-minute poll runs every 60 s, give or take a few seconds. It replaced
// pg-boss per-minute cron ticks, which came 30–90 s apart and left runs 60–144 s apart.
//
// A flow whose switch is turned back on (EMAILOUT/EMAILIN/APPTOUT/APPTIN_OUTLOOK365, OUTLOOK365, the
// licence, polling started) starts its work at the next tick — all its inboxes or calendars read, its
// outbox drained — whatever the poll interval says. Such changes also send a signal
// (adapters/db/settings-signal.ts) on which every job process ticks at once, so "at the next tick" is
// in practice "now". The tick is self-rescheduling on an injected timer; tests drive
// `runPollSchedulerTick` with an injected clock.
import type PgBoss from 'pg-boss';
import { CALENDAR_PUSH_QUEUE } from '../../app/appointments/calendar-outbox.ts';
import type { AppContext } from '../../app/context.ts';
import { OUTBOX_QUEUE } from '../../app/email/enqueue.ts';
import { FLOWS, SETTINGS_CHANGED, schedulerTick, type FlowsRunning } from '../../app/poll-flows.ts';
import { POLL_TICK_MS } from '../../domain/params/poll-cadence.ts';
import { runCalendarPollTick } from './calendar-poll.ts';
import { EVENT_QUERY_QUEUE, runInboxPollTick } from './inbox-poll.ts';
import type { JobModule } from './job-module.ts';
import { CALENDAR_SYNC_QUEUE, INBOX_SYNC_QUEUE } from './sync-queues.ts';
import { onWakeSignal, wakeWorkers } from './wake.ts';

export interface TickOutcome {
  /** Flows that were off at the last tick and may run now: started at once. */
  switchedOn: Array<keyof FlowsRunning>;
  inboxes: { held?: string; queued: number };
  calendars: { held?: string; queued: number };
}

/**
 * One tick: undefined when another process ticked less than a tick ago (or is ticking now), unless
 * `immediate` (a settings change).
 */
export async function runPollSchedulerTick(ctx: AppContext, boss: PgBoss, opts: { immediate?: boolean; tickMs?: number } = {}): Promise<TickOutcome | undefined> {
  return schedulerTick(ctx, opts, async (flows, before) => {
    const switchedOn = before ? FLOWS.filter((f) => flows[f] && !before[f]) : [];
    if (switchedOn.length) ctx.logger.info({ flows: switchedOn }, 'flows switched on: starting their work now');
    if (switchedOn.includes('emailOut')) await boss.send(OUTBOX_QUEUE, {});
    if (switchedOn.includes('apptOut')) await boss.send(CALENDAR_PUSH_QUEUE, {});
    const inboxes = await runInboxPollTick(ctx, boss, { force: switchedOn.includes('emailIn') });
    const calendars = await runCalendarPollTick(ctx, boss, { force: switchedOn.includes('apptIn') });
    // Runs start now, not after the sync loops' polling interval.
    if (inboxes.queued) await wakeWorkers(boss, INBOX_SYNC_QUEUE);
    if (calendars.queued) await wakeWorkers(boss, CALENDAR_SYNC_QUEUE);
    // Task Manager event queries on their own schedules (guide §2.2.4): offered a run at most every 30 s.
    await boss.send(EVENT_QUERY_QUEUE, {}, { singletonKey: 'tick', singletonSeconds: 30 });
    return { switchedOn, inboxes, calendars };
  });
}

/** setTimeout, or a test's own. */
export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}
const realTimers: Timers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (h) => clearTimeout(h as NodeJS.Timeout),
};

export interface PollScheduler {
  /** Tick now (a settings change); a tick already running is followed by another. */
  tickNow(): void;
  stop(): Promise<void>;
}

export function startPollScheduler(ctx: AppContext, boss: PgBoss, opts: { tickMs?: number; timers?: Timers; listen?: boolean } = {}): PollScheduler {
  const tickMs = opts.tickMs ?? POLL_TICK_MS;
  const timers = opts.timers ?? realTimers;
  let stopped = false;
  let handle: unknown;
  let current: Promise<void> | undefined;
  let again = false;
  const tick = (immediate: boolean): Promise<void> => {
    if (current) {
      again ||= immediate;
      return current;
    }
    current = (async () => {
      try {
        await runPollSchedulerTick(ctx, boss, { immediate, tickMs });
      } catch (err) {
        if (!stopped) ctx.logger.warn({ err: (err as Error).message }, 'poll scheduler tick failed; the next tick tries again');
      } finally {
        current = undefined;
      }
      if (again && !stopped) {
        again = false;
        await tick(true);
      }
    })();
    return current;
  };
  const schedule = () => {
    if (stopped) return;
    handle = timers.set(() => void tick(false).finally(schedule), tickMs);
  };
  const unlisten = opts.listen === false ? () => {} : onWakeSignal(boss, ctx.logger, SETTINGS_CHANGED, () => void tick(true));
  void tick(false).finally(schedule);
  return {
    tickNow: () => void tick(true),
    async stop() {
      stopped = true;
      unlisten();
      timers.clear(handle);
      await current;
    },
  };
}

const running = new WeakMap<PgBoss, PollScheduler>();

/** Stops this process's scheduler before pg-boss stops (src/runtime.ts). */
export async function stopPollScheduler(boss: PgBoss): Promise<void> {
  await running.get(boss)?.stop();
  running.delete(boss);
}

export const pollSchedulerJobs: JobModule = {
  name: 'poll-scheduler',
  async register(boss: PgBoss, ctx: AppContext) {
    running.set(boss, startPollScheduler(ctx, boss));
  },
};
