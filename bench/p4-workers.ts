/**
 * P4 — one poll cycle over N Outlook calendars with 50 ms Graph latency, worked by 1 and then by 2
 * `worker` processes through pg-boss, as production does: the tick (runCalendarPollTick) queues one
 * calendar-sync job per calendar on the 'short' sync queue (src/transport/jobs/sync-queues.ts), and
 * each worker process (bench/p4-worker.ts: calendarPollJobs, CALENDAR_SYNCS_PER_WORKER sync loops)
 * takes jobs until the queue is empty, the ≤ 4 Graph requests per mailbox held across processes in
 * graph_mailbox_slots. The setup is bench/calendar-poll.ts's (one diary and one pushed booking per
 * calendar); the first, full sync of every calendar is done in-process before the measured cycles, so
 * each measured cycle is a delta cycle in which nothing changed — one calendarView delta request per
 * calendar, and any move or cancellation it applies is spurious.
 *
 * A cycle runs from the tick until every calendar has recorded an outcome and no sync job is waiting
 * or active; it counts Graph requests at the emulator, failed syncs (last_error_at in the cycle) and
 * what the cycle applied or refused (calendar_sync_state.applied / refused / errors).
 *
 *   npx tsx bench/p4-workers.ts [--calendars 1000] [--latency 50] [--ratio 0.75] [--ratio-cpu-bound 1.25]
 *
 * Bound (bench/README.md, P4): every calendar synced in each cycle, 0 failed syncs, 0 moves, cancels,
 * refusals or errors, one Graph request per calendar (≤ 1.05), each of 2 workers taking ≥ 25 % of the
 * calendars, every cycle ≤ 60 s (the shortest CALI_POLL); and 2 workers ≤ --ratio (0.75) × the time of
 * 1 when the 1-worker cycle was latency-bound, loosened with the CPU the 1-worker cycle left idle up
 * to ≤ --ratio-cpu-bound (1.25) × — on a machine whose cores are already busy a second process adds
 * no CPU (see maxRatio below; bench/README.md, P4). Exits non-zero otherwise. PostgreSQL: DATABASE_URL when set, else an
 * embedded server in a temporary directory. P4_DEBUG=1 prints the queue every 2 s; P4_PROF=<dir> writes
 * each worker's CPU profile there (--cpu-prof). With a few dozen calendars a cycle is mostly the 2 s
 * pg-boss polling interval before the first fetch, and the scale bound means nothing: it is for 1,000.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import PgBoss from 'pg-boss';
import { sql } from 'kysely';
import { openBenchWorld } from './lib/world.ts';
import { calendarOwners, setUpCalendars } from './lib/calendars.ts';
import { pollCalendars } from '../src/app/calendar-sync/poll-calendars.ts';
import { CALENDAR_SYNCS_PER_WORKER, CALENDAR_SYNC_QUEUE, runCalendarPollTick } from '../src/transport/jobs/calendar-poll.ts';
import { ensureSyncQueue } from '../src/transport/jobs/sync-queues.ts';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const nCalendars = arg('calendars', 1000);
const latency = arg('latency', 50);
/** 2 workers' cycle ≤ this × 1 worker's when the 1-worker cycle left the machine idle enough (latency-bound). */
const boundRatio = arg('ratio', 0.75);
/** … and ≤ this × when it did not (CPU-bound): a second process adds no CPU, and must not slow the cycle. */
const boundRatioCpuBound = arg('ratio-cpu-bound', 1.25);
/**
 * The work's CPU is fixed, so 2 workers cannot take less than (the machine's busy share through the
 * 1-worker cycle) × the 1-worker time — every process on the machine counts: another program's work
 * takes the cores away as surely as the bench's own — and 2 processes spend up to ~30 % more CPU per
 * calendar than 1 (more queue fetches, two of everything). The ratio bound is that floor plus 0.1 for
 * the noise of a shared machine, never tighter than --ratio (0.75: a latency-bound cycle must really
 * speed up) nor looser than --ratio-cpu-bound (1.25: a second process on busy cores must not slow the
 * cycle). A fixed threshold between the two (it was "busy < 60 %") failed runs that sat just on its
 * latency-bound side with little idle CPU left.
 */
const CPU_OVERHEAD_2 = 1.3;
const NOISE = 0.1;
/** Every cycle inside the shortest CALI_POLL. */
const CYCLE_LIMIT_S = 60;

const w = await openBenchWorld('p4-workers', { poolSize: 20, users: calendarOwners(nCalendars) });
const { ctx, db, gateway, emulator, dbName } = w;
await setUpCalendars(w, nCalendars);
await w.emu('POST', '/faults', { kind: 'latency', latencyMs: latency, routePattern: '/v1\\.0/' });

process.stderr.write('first (full) sync of every calendar …\n');
const first = await pollCalendars(ctx, { gateway: gateway.calendar, force: true, concurrency: 16 });
if (first.held) throw new Error(first.held);
const firstWrong = first.results.filter((r) => r.error || r.outcomes.moved || r.outcomes.cancelled || r.outcomes.refused || r.outcomes.error).length;
if (firstWrong) throw new Error(`the first full sync of our own pushes changed or failed ${firstWrong} calendars`);

const boss = new PgBoss({ connectionString: w.databaseUrl, schema: 'pgboss', max: 3, schedule: false, supervise: false });
boss.on('error', () => {});
await boss.start();
await ensureSyncQueue(boss, CALENDAR_SYNC_QUEUE);

interface Worker { proc: ChildProcess; requests: number }

async function startWorkers(n: number): Promise<Worker[]> {
  const kids = Array.from({ length: n }, () =>
    spawn(process.execPath, [...(process.env.P4_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.P4_PROF}`] : []), '--import', 'tsx', join(import.meta.dirname, 'p4-worker.ts')], {
      env: { ...process.env, DATABASE_URL: w.databaseUrl, EMU_TENANT: emulator.tenantId, EMU_ORIGIN: emulator.origin, EMU_GRAPH: emulator.graphBaseUrl, EMU_CA: emulator.caCertPem, LICENCE_KEYS: JSON.stringify(ctx.licencePublicKeys) },
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  );
  const workers: Worker[] = [];
  for (const proc of kids) {
    const lines = createInterface({ input: proc.stdout! })[Symbol.asyncIterator]();
    if ((await lines.next()).value !== 'ready') throw new Error('worker did not start');
    const w: Worker = { proc, requests: 0 };
    void (async () => {
      for await (const line of lines) if (line.startsWith('requests ')) w.requests = Number(line.slice(9));
    })();
    workers.push(w);
  }
  return workers;
}

/**
 * CPU seconds used by this bench's own processes, per process: this one (the tick and the emulator),
 * the workers, and the PostgreSQL backends serving the bench database (by their process title). Linux
 * only; empty elsewhere.
 */
const USER_HZ = 100;
const procCpu = (pid: number | string): number => {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) / USER_HZ;
  } catch {
    return 0;
  }
};
const ownCpu = (workers: Worker[]): Map<string, number> => {
  const me = process.cpuUsage();
  const m = new Map<string, number>([['self', (me.user + me.system) / 1e6]]);
  for (const w of workers) m.set(String(w.proc.pid), procCpu(w.proc.pid!));
  try {
    for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
      try {
        if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dbName)) m.set(pid, procCpu(pid));
      } catch {
        // gone
      }
    }
  } catch {
    // not Linux
  }
  return m;
};
/** CPU seconds between two readings; a process that ended in between takes its share with it (a floor). */
const cpuBetween = (a: Map<string, number>, b: Map<string, number>): number => [...b].reduce((s, [pid, t]) => s + t - (a.get(pid) ?? 0), 0);

const graphRequests = async () => ((await w.emu('GET', '/counters')) as { total: number }).total;
const totals = async () =>
  (await sql<{ applied: number; refused: number; errors: number }>`SELECT sum(applied)::int AS applied, sum(refused)::int AS refused, sum(errors)::int AS errors FROM calendar_sync_state`.execute(db)).rows[0];

/** The machine's busy and total CPU time so far (Linux /proc/stat, every process, not only this bench's). */
const cpuTicks = (): { busy: number; total: number } => {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const total = f.reduce((a, b) => a + b, 0);
    return { busy: total - f[3] - (f[4] ?? 0), total };
  } catch {
    return { busy: 0, total: 0 }; // not Linux: counted as idle, so the 0.75 × bound applies
  }
};

interface Cycle { workers: number; seconds: number; tickSeconds: number; cpuBusy: number; ownCpu: number; perWorker: number[]; synced: number; failed: number; requests: number; applied: number; refused: number; errors: number }

async function cycle(workers: number): Promise<Cycle> {
  const kids = await startWorkers(workers);
  const own0 = ownCpu(kids);
  const before = await totals();
  const r0 = await graphRequests();
  const c0 = cpuTicks();
  const t0 = new Date();
  const tick = await runCalendarPollTick(ctx, boss, { force: true });
  if (tick.held || tick.queued !== nCalendars) throw new Error(`queued ${tick.queued}: ${tick.held ?? ''}`);
  const tickSeconds = (Date.now() - t0.getTime()) / 1000;
  for (;;) {
    // Done: every calendar has an outcome recorded since the tick, and no sync job is waiting or running.
    const r = (
      await sql<{ done: number; failed: number; jobs: number }>`
        SELECT count(*) FILTER (WHERE last_run_at >= ${t0} AND (last_success_at >= ${t0} OR last_error_at >= ${t0}))::int AS done,
               count(*) FILTER (WHERE last_error_at >= ${t0})::int AS failed,
               (SELECT count(*) FROM pgboss.job WHERE name = ${CALENDAR_SYNC_QUEUE} AND state IN ('created', 'retry', 'active'))::int AS jobs
        FROM calendar_sync_state`.execute(db)
    ).rows[0];
    if (process.env.P4_DEBUG) process.stderr.write(`${JSON.stringify(r)} ${JSON.stringify((await sql`SELECT state, count(*)::int AS n FROM pgboss.job WHERE name = ${CALENDAR_SYNC_QUEUE} GROUP BY state`.execute(db)).rows)}\n`);
    if (r.done >= nCalendars && r.jobs === 0) {
      const seconds = (Date.now() - t0.getTime()) / 1000;
      const c1 = cpuTicks();
      const own = cpuBetween(own0, ownCpu(kids));
      await new Promise((res) => setTimeout(res, 300)); // the workers' last request counts
      const perWorker = kids.map((k) => k.requests);
      const cpuBusy = c1.total > c0.total ? (c1.busy - c0.busy) / (c1.total - c0.total) : 0;
      const requests = (await graphRequests()) - r0;
      for (const k of kids) k.proc.kill(process.env.P4_PROF ? 'SIGTERM' : 'SIGKILL');
      const after = await totals();
      const c: Cycle = { workers, seconds, tickSeconds, cpuBusy, ownCpu: own, perWorker, synced: r.done, failed: r.failed, requests, applied: after.applied - before.applied, refused: after.refused - before.refused, errors: after.errors - before.errors };
      process.stderr.write(`${workers} worker(s): ${seconds.toFixed(1)} s\n`);
      return c;
    }
    await new Promise((res) => setTimeout(res, process.env.P4_DEBUG ? 2000 : 100));
  }
}

const cycles = [await cycle(1), await cycle(2)];
const [one, two] = cycles;
const ratio = two.seconds / one.seconds;
const cores = cpus().length;
console.log(
  `\nP4 · ${nCalendars} calendars, ${latency} ms Graph latency, delta cycle after the first full sync, ${CALENDAR_SYNCS_PER_WORKER} syncs at a time per worker process · ${cores} × ${cpus()[0]?.model ?? 'cpu'}, ${process.platform} ${process.arch}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}\n`,
);
console.log(`| worker processes | seconds | of which the tick queuing | calendars/s | Graph requests (per worker) | failed syncs | moved or cancelled | refused | errors | bench CPU s (ms / calendar) | bench share of the ${cores} cores | machine CPU busy |`);
console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const c of cycles) {
  console.log(
    `| ${c.workers} | ${c.seconds.toFixed(1)} | ${c.tickSeconds.toFixed(1)} | ${(nCalendars / c.seconds).toFixed(0)} | ${c.requests} (${c.perWorker.join(' + ')}) | ${c.failed} | ${c.applied} | ${c.refused} | ${c.errors} | ${c.ownCpu.toFixed(1)} (${((c.ownCpu / nCalendars) * 1000).toFixed(1)}) | ${Math.round((c.ownCpu / (cores * c.seconds)) * 100)} % | ${Math.round(c.cpuBusy * 100)} % |`,
  );
}
console.log(`\nload average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);

// The bound. Correctness always: every calendar synced once per cycle, no failure, nothing applied or
// refused (the calendars did not change), one Graph request per calendar, both workers taking a share.
// Time: each cycle inside the shortest CALI_POLL (1 minute). Scale: a second worker process shortens
// the cycle only when the first left CPU idle — latency-bound, its 8 syncs waiting on Graph. When the
// machine was busy through the 1-worker cycle (CPU-bound: workers, emulator and PostgreSQL, and
// whatever else runs there, on few cores) the second process adds no CPU, and the bound is only that
// it must not make the cycle slower beyond the noise of a shared machine.
const share = (c: Cycle) => c.ownCpu / (cores * c.seconds);
const floor = CPU_OVERHEAD_2 * one.cpuBusy;
const maxRatio = Number(Math.min(boundRatioCpuBound, Math.max(boundRatio, floor + NOISE)).toFixed(2));
const cpuBound = floor + NOISE > boundRatio;
const problems: string[] = [];
for (const c of cycles) {
  const w = `${c.workers} worker(s)`;
  if (c.synced < nCalendars) problems.push(`${w}: ${c.synced} of ${nCalendars} calendars synced`);
  if (c.failed || c.errors) problems.push(`${w}: ${c.failed} failed syncs, ${c.errors} errors`);
  if (c.applied || c.refused) problems.push(`${w}: ${c.applied} spurious moves or cancellations, ${c.refused} refusals`);
  if (c.requests > nCalendars * 1.05) problems.push(`${w}: ${c.requests} Graph requests for ${nCalendars} calendars`);
  if (c.seconds > CYCLE_LIMIT_S) problems.push(`${w}: the cycle took ${c.seconds.toFixed(1)} s, over the 1-minute CALI_POLL`);
}
if (two.perWorker.some((n) => n < two.requests * 0.25)) problems.push(`2 workers: the calendars were not shared (${two.perWorker.join(' + ')} requests)`);
if (ratio > maxRatio) problems.push(`2 workers took ${ratio.toFixed(2)} × the time of 1 (bound ≤ ${maxRatio}, ${cpuBound ? 'CPU-bound' : 'latency-bound'})`);
const ok = problems.length === 0;
console.log(
  `P4 ${ok ? 'PASS' : 'FAIL'}: 2 workers take ${ratio.toFixed(2)} × the time of 1 — ${cpuBound ? 'CPU-bound' : 'latency-bound'} (machine CPU ${Math.round(one.cpuBusy * 100)} % busy through the 1-worker cycle, the bench's own processes ${Math.round(share(one) * 100)} % of the ${cores} cores), bound ≤ ${maxRatio}; cycles ≤ ${CYCLE_LIMIT_S} s; 0 failed, 0 spurious changes${ok ? '' : `\n  ${problems.join('\n  ')}`}`,
);

await boss.stop({ graceful: false, close: true });
await w.close();
process.exit(ok ? 0 : 1);
