// The two mailbox sync queues — one inbox's message delta, one calendar's event delta — shared by the
// poll ticks, the webhook (change notifications) and lifecycle follow-ups, in every process.
//
// Policy 'short' with the mailbox as singletonKey: at most one run of a mailbox *waiting*, however many
// ticks and notifications ask for it (a burst of 100 notifications is one delta run). That a mailbox
// never has two runs at once is the run's own guard — the inbox's advisory lock, the calendar's lease
// in calendar_sync_state — and a run that finds its mailbox busy queues itself again a little later
// (`requeueBusy`), so a notification that arrived during a run is still followed by a run.
//
// The queues used to be 'stately' (one waiting and one active per mailbox). pg-boss 10 fetches in
// creation order, and when the oldest waiting job's key already has an active job the fetch's UPDATE
// violates the stately unique index: the fetch fails and returns nothing, on every worker, for every
// mailbox, until that active job ends. A notification during a run is exactly that case, and a worker
// killed mid-run left its job active until expiry — one kill -9 stopped all calendar syncing for half
// an hour (found by bench/p4-workers.ts; test/scale/sync-queues.test.ts holds it).
import type PgBoss from 'pg-boss';
import { wakeWorkers } from './wake.ts';

export const INBOX_SYNC_QUEUE = 'inbox-sync';
export const CALENDAR_SYNC_QUEUE = 'calendar-sync';

/**
 * How long a run that found its mailbox busy waits before its job runs again. Short: the usual cause is
 * a notification that arrived during a run, and its change should be read within a second or two
 * (issue 18 §4: bench/demo-realtime.ts measured 10 s moves at the old 10 s); a busy retry is one
 * cheap job fetch and lease check.
 */
export const BUSY_RETRY_SECONDS = 1;

const options: Record<string, PgBoss.Queue> = {
  [INBOX_SYNC_QUEUE]: { name: INBOX_SYNC_QUEUE, policy: 'short', retryLimit: 0, expireInSeconds: 60 * 60 },
  [CALENDAR_SYNC_QUEUE]: { name: CALENDAR_SYNC_QUEUE, policy: 'short', retryLimit: 0, expireInSeconds: 30 * 60 },
};

const made = new WeakMap<PgBoss, Set<string>>();

/**
 * Creates a queue, or brings an existing one to `options` (createQueue leaves an existing queue as it
 * is, so a database from before a policy change would keep the old one). Once per pg-boss instance
 * and queue; another process creating it at the same moment is fine.
 */
export async function ensureQueue(boss: PgBoss, options: PgBoss.Queue): Promise<void> {
  const done = made.get(boss) ?? new Set<string>();
  if (done.has(options.name)) return;
  const existing = await boss.getQueue(options.name);
  if (!existing) await boss.createQueue(options.name, options).catch(() => {});
  if (!existing || existing.policy !== options.policy || existing.expireInSeconds !== options.expireInSeconds) await boss.updateQueue(options.name, options);
  done.add(options.name);
  made.set(boss, done);
}

/** The inbox or calendar sync queue, created or brought to the current options. */
export const ensureSyncQueue = (boss: PgBoss, name: typeof INBOX_SYNC_QUEUE | typeof CALENDAR_SYNC_QUEUE): Promise<void> => ensureQueue(boss, options[name]);

/** Queues a run of one inbox (by code) or calendar (by address); null when one is already waiting. */
export async function queueSync(boss: PgBoss, kind: 'inbox' | 'calendar', target: string, opts: { startAfterSeconds?: number } = {}): Promise<string | null> {
  const name = kind === 'inbox' ? INBOX_SYNC_QUEUE : CALENDAR_SYNC_QUEUE;
  await ensureSyncQueue(boss, name);
  const data = kind === 'inbox' ? { inbox: target } : { calendar: target };
  return boss.send(name, data, {
    singletonKey: target,
    retryLimit: 0,
    expireInSeconds: options[name].expireInSeconds,
    ...(opts.startAfterSeconds ? { startAfter: opts.startAfterSeconds } : {}),
  });
}

/**
 * A run found its mailbox busy (another run holds it): ask again in BUSY_RETRY_SECONDS, and wake the
 * idle sync loops when that job becomes due — a delayed job wakes no one, so it would otherwise wait
 * out a loop's 2 s polling interval as well (the tail of bench/demo-realtime.ts's Outlook moves).
 */
export async function requeueBusy(boss: PgBoss, kind: 'inbox' | 'calendar', target: string): Promise<string | null> {
  const id = await queueSync(boss, kind, target, { startAfterSeconds: BUSY_RETRY_SECONDS });
  const queue = kind === 'inbox' ? INBOX_SYNC_QUEUE : CALENDAR_SYNC_QUEUE;
  // A lost wake-up only costs the polling interval: the job is queued either way.
  if (id) setTimeout(() => void wakeWorkers(boss, queue).catch(() => {}), BUSY_RETRY_SECONDS * 1000 + 50).unref();
  return id;
}
