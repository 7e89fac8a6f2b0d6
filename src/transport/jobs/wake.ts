// Waking idle sync loops when a change notification queues a run, in whichever process they are.
//
// A pg-boss work loop with nothing to do sleeps its polling interval (2 s) before it looks again, so a
// notification's run used to start up to 2 s after the webhook queued it — nearly all of P3's latency.
// The webhook process now also sends a PostgreSQL NOTIFY on WAKE_CHANNEL naming the queue; every
// worker process LISTENs on one extra connection and cuts the sleep of its loops for that queue short
// (pg-boss notifyWorker). A lost NOTIFY (listener reconnecting) costs only the polling interval again:
// the job is in the queue either way. Poll ticks do not wake anyone: their jobs come in bulk to loops
// that are busy anyway.
//
// The same connection carries signals that are not queues (`onWakeSignal`): a settings change makes
// the poll scheduler tick at once (src/adapters/db/settings-signal.ts).
import type PgBoss from 'pg-boss';
import { WAKE_CHANNEL } from '../../app/poll-flows.ts';
import type { Logger } from '../../logger.ts';
import { listenForNotifications } from '../../adapters/db/notify-listener.ts';

export { WAKE_CHANNEL };

/** Tells every process listening that `queue` has a job waiting now. */
export async function wakeWorkers(boss: PgBoss, queue: string): Promise<void> {
  await boss.getDb().executeSql('SELECT pg_notify($1, $2)', [WAKE_CHANNEL, queue]);
}

interface Listener {
  loops: Map<string, string[]>;
  signals: Map<string, Array<() => void>>;
  listening?: Promise<void>;
}
const listeners = new WeakMap<PgBoss, Listener>();

/**
 * Lets a NOTIFY for `queue` wake the given work loops (ids from boss.work) of this process. Starts the
 * process's one listening connection on first use (same database as pg-boss) and ends it when pg-boss
 * stops; a dropped connection is re-opened every 5 s.
 */
export function wakeOnNotify(boss: PgBoss, logger: Logger, queue: string, loopIds: string[]): void {
  const l = listenerOf(boss, logger);
  l.loops.set(queue, [...(l.loops.get(queue) ?? []), ...loopIds]);
}

/** Calls `fn` whenever a NOTIFY with this payload arrives (any process). Returns a function that stops it. */
export function onWakeSignal(boss: PgBoss, logger: Logger, payload: string, fn: () => void): () => void {
  const l = listenerOf(boss, logger);
  l.signals.set(payload, [...(l.signals.get(payload) ?? []), fn]);
  return () => l.signals.set(payload, (l.signals.get(payload) ?? []).filter((f) => f !== fn));
}

function listenerOf(boss: PgBoss, logger: Logger): Listener {
  let l = listeners.get(boss);
  if (!l) {
    l = { loops: new Map(), signals: new Map() };
    listeners.set(boss, l);
    startListening(boss, logger, l);
  }
  return l;
}

function startListening(boss: PgBoss, logger: Logger, l: Listener): void {
  // pg-boss's own connection settings (connectionString, ssl …), minus its pool's: pg-boss 10 offers no
  // public way to LISTEN, so the one listening connection is opened beside it on the same settings.
  const { max: _max, ...settings } = (boss.getDb() as unknown as { config: Record<string, unknown> & { max?: number } }).config;
  const listener = listenForNotifications(settings, WAKE_CHANNEL, logger, (payload) => {
    for (const id of l.loops.get(payload) ?? []) boss.notifyWorker(id);
    for (const fn of l.signals.get(payload) ?? []) fn();
  });
  l.listening = listener.listening;
  boss.once('stopped', () => listener.stop());
}

/** Resolves once this process's wake-up connection LISTENs (tests: a NOTIFY before that is missed). */
export function wakeListening(boss: PgBoss): Promise<void> {
  return listeners.get(boss)?.listening ?? Promise.resolve();
}
