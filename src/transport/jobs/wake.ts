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
import pg from 'pg';
import type PgBoss from 'pg-boss';
import { WAKE_CHANNEL } from '../../app/poll-flows.ts';
import type { Logger } from '../../logger.ts';

export { WAKE_CHANNEL };
const RECONNECT_MS = 5_000;

/** Tells every process listening that `queue` has a job waiting now. */
export async function wakeWorkers(boss: PgBoss, queue: string): Promise<void> {
  await boss.getDb().executeSql('SELECT pg_notify($1, $2)', [WAKE_CHANNEL, queue]);
}

interface Listener {
  loops: Map<string, string[]>;
  signals: Map<string, Array<() => void>>;
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
  // pg-boss's own connection settings (connectionString, ssl …), minus its pool's.
  const { max: _max, ...settings } = (boss.getDb() as unknown as { config: pg.ClientConfig & { max?: number } }).config;
  let client: pg.Client | undefined;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
  const connect = async () => {
    if (stopped) return;
    const c = new pg.Client({ ...settings, application_name: 'housing365-wake' });
    client = c;
    let failed = false;
    const again = () => {
      if (failed) return;
      failed = true;
      c.end().catch(() => {});
      if (!stopped) retry = setTimeout(connect, RECONNECT_MS);
    };
    c.on('notification', (msg) => {
      for (const id of l.loops.get(msg.payload ?? '') ?? []) boss.notifyWorker(id);
      for (const fn of l.signals.get(msg.payload ?? '') ?? []) fn();
    });
    c.on('error', (err) => {
      if (!stopped) logger.warn({ err: err.message }, 'job wake-up connection lost; reconnecting (jobs still run on polling meanwhile)');
      again();
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${WAKE_CHANNEL}`);
      if (stopped) await c.end();
    } catch (err) {
      if (!stopped) logger.warn({ err: (err as Error).message }, 'job wake-up connection failed; retrying (jobs still run on polling meanwhile)');
      again();
    }
  };
  boss.once('stopped', () => {
    stopped = true;
    clearTimeout(retry);
    client?.end().catch(() => {});
  });
  void connect();
}
