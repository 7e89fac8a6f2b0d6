// Waking idle sync loops across processes (src/transport/jobs/wake.ts): a "web" pg-boss instance queues
// a job and NOTIFYs; a "worker" instance on its own connections, whose loop sleeps 5 minutes between
// polls, runs the job at once. Without the wake-up the job would wait out the sleep and the test's
// 30 s wait would fail; nothing here measures speed.
import PgBoss from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../helpers/db.ts';
import { wakeOnNotify, wakeWorkers } from '../../src/transport/jobs/wake.ts';
import { createLogger } from '../../src/logger.ts';
import { until } from '../helpers/until.ts';

const QUEUE = 'wake-test';
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let web: PgBoss;
let worker: PgBoss;


beforeAll(async () => {
  database = await createTestDatabase();
  web = new PgBoss({ connectionString: database.url, schema: 'pgboss', max: 2, schedule: false, supervise: false });
  worker = new PgBoss({ connectionString: database.url, schema: 'pgboss', max: 2, schedule: false });
  for (const b of [web, worker]) b.on('error', () => {});
  await web.start();
  await worker.start();
  await web.createQueue(QUEUE, { name: QUEUE, policy: 'short' });
}, 60_000);
afterAll(async () => {
  await web?.stop({ graceful: false, close: true });
  await worker?.stop({ graceful: false, close: true });
  await database?.drop();
});

describe('waking idle job loops', () => {
  it('runs a job queued and announced by another pg-boss instance without waiting out the loop\'s polling interval', async () => {
    const ran: string[] = [];
    const loop = await worker.work<{ n: string }>(QUEUE, { pollingIntervalSeconds: 300, batchSize: 1 }, async ([job]) => {
      ran.push(job.data.n);
    });
    wakeOnNotify(worker, createLogger({ level: 'silent', pretty: false }), QUEUE, [loop]);
    // Let the loop make its first (empty) fetch and go to sleep, and the listener connect.
    await new Promise((r) => setTimeout(r, 1500));
    for (const n of ['first', 'second']) {
      await web.send(QUEUE, { n });
      await wakeWorkers(web, QUEUE);
      await until(() => (ran.includes(n) ? true : undefined));
    }
    expect(ran).toEqual(['first', 'second']);
  });

  it('ignores a wake-up for a queue it has no loops for', async () => {
    await expect(wakeWorkers(web, 'no-such-queue')).resolves.toBeUndefined();
  });
});
