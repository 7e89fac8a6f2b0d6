/**
 * P8 — poll cadence (issue 14 §3): with EMI_POLL = 1, how far apart do the runs of each inbox start
 * when the real poll scheduler (src/transport/jobs/poll-scheduler.ts, real timers) and the inbox sync
 * jobs run through pg-boss against the emulator? Bound: every interval 60 s ± 10 s.
 *
 *   npx tsx bench/poll-cadence.ts [MINUTES]   (default 4)
 */
import PgBoss from 'pg-boss';
import { openBenchWorld } from './lib/world.ts';
import { demoDomain } from '../src/adapters/graph/demo-tenant.ts';
import { setParameter } from '../src/app/parameters.ts';
import { addFrv } from '../src/app/frvs.ts';
import { inboxPollJobs } from '../src/transport/jobs/inbox-poll.ts';
import { startPollScheduler } from '../src/transport/jobs/poll-scheduler.ts';
import { OUTBOX_QUEUE } from '../src/app/email/enqueue.ts';
import { CALENDAR_PUSH_QUEUE } from '../src/app/appointments/calendar-outbox.ts';

const minutes = Number(process.argv[2] ?? 4);
const w = await openBenchWorld('poll-cadence', { poolSize: 6 });
let failed: boolean;
try {
  for (const [k, v] of [['INBOX_SERVER', demoDomain], ['OUTLOOK365', 'Y'], ['EMAILIN_OUTLOOK365', 'Y'], ['EMI_POLL', '1']] as const) await setParameter(w.ctx, w.actor, k, v);
  for (const code of ['ASB', 'COMPLAINTS']) await addFrv(w.ctx, w.actor, { domain: 'EXCHANGE_INBOX', code, description: code });
  const boss = new PgBoss({ connectionString: w.databaseUrl, schema: 'pgboss', max: 4 });
  boss.on('error', () => {});
  await boss.start();
  w.ctx.boss = boss;
  for (const q of [OUTBOX_QUEUE, CALENDAR_PUSH_QUEUE]) await boss.createQueue(q, { name: q, policy: 'short' });
  await inboxPollJobs.register(boss, w.ctx);
  const scheduler = startPollScheduler(w.ctx, boss);
  console.log(`P8 poll cadence: EMI_POLL = 1, two inboxes, ${minutes} min of the real scheduler …`);
  await new Promise((r) => setTimeout(r, minutes * 60_000 + 5_000));
  await scheduler.stop();
  await boss.stop({ graceful: true, timeout: 5000, close: true });

  const runs = await w.db.selectFrom('inbox_runs').select(['inbox', 'started_at']).orderBy('id').execute();
  const worst: number[] = [];
  for (const inbox of ['ASB', 'COMPLAINTS']) {
    const at = runs.filter((r) => r.inbox === inbox).map((r) => r.started_at.getTime());
    const gaps = at.slice(1).map((t, i) => (t - at[i]) / 1000);
    worst.push(...gaps.map((g) => Math.abs(g - 60)));
    console.log(`  ${inbox.padEnd(10)} ${at.length} runs; intervals (s): ${gaps.map((g) => g.toFixed(1)).join(', ')}`);
  }
  const max = Math.max(...worst);
  failed = worst.length < 2 * (minutes - 1) || max > 10;
  console.log(`  largest deviation from 60 s: ${max.toFixed(1)} s (bound 10 s) ${failed ? 'MISSED' : 'ok'}`);
} finally {
  await w.close();
}
process.exit(failed ? 1 : 0);
