// Short form of R1 (bench/README.md) inside `npm test`: a worker process ingesting 200 emails is killed
// with kill -9 three times, at different points; after a restart the inbox ends with every email
// stored once and one task each — 0 lost, 0 duplicates. Graph answers with 30 ms latency so each kill
// lands mid-run (between a page's Graph reads and its commit, or inside one).
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoMailboxes, startInboundWorld, type InboundWorld } from '../inbound/world.ts';
import { until } from '../helpers/until.ts';

// `npm run soak` (SOAK=1) runs the full size of bench/README.md: 5,000 emails.
const N = process.env.SOAK ? 5000 : 200;
let w: InboundWorld;
const children: ChildProcess[] = [];

beforeAll(async () => {
  w = await startInboundWorld();
  await w.sync('ASB');
}, 120_000);
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await w?.stop();
});

function startWorker(): ChildProcess {
  const e = w.emulator;
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'inbox-worker.ts')], {
    env: { ...process.env, DATABASE_URL: w.t.databaseUrl, EMU_TENANT: e.tenantId, EMU_ORIGIN: e.origin, EMU_GRAPH: e.graphBaseUrl, EMU_CA: e.caCertPem, LICENCE_KEYS: JSON.stringify(w.t.ctx.licencePublicKeys) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr!.on('data', (d) => process.stderr.write(d));
  child.stdout!.resume();
  children.push(child);
  return child;
}

async function stored(): Promise<{ rows: number; distinct: number }> {
  const r = await sql<{ rows: number; distinct: number }>`
    SELECT count(*)::int AS rows, count(DISTINCT internet_message_id)::int AS distinct FROM inbound_emails WHERE subject LIKE 'Crash %'`.execute(w.t.ctx.db);
  return r.rows[0];
}


describe('R1: kill -9 of a worker during ingest', () => {
  it('loses and duplicates nothing across three kills', async () => {
    expect((await w.admin('POST', `/users/${demoMailboxes.asb}/messages/bulk`, { count: N, subjectPrefix: 'Crash', startDateTime: new Date(Date.now() + 1000).toISOString() })).status).toBe(201);
    await w.admin('POST', '/faults', { routePattern: '^(GET|PATCH) /v1\\.0/', kind: 'latency', latencyMs: 30 });
    for (const after of [0.1, 0.4, 0.7].map((f) => Math.round(f * N))) {
      const child = startWorker();
      await until(async () => (await stored()).rows >= after, process.env.SOAK ? 60 * 60_000 : 90_000, 25);
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
    }
    expect((await stored()).rows).toBeLessThan(N);
    await w.admin('DELETE', '/faults');
    const last = startWorker();
    await until(async () => (await stored()).rows >= N, process.env.SOAK ? 60 * 60_000 : 90_000, 25);
    last.kill('SIGKILL');
    await new Promise((r) => last.once('exit', r));
    // One more run in this process: nothing left to import, nothing imported twice.
    const final = await w.sync('ASB');
    const got = await stored();
    const raised = await w.raiseEvents();
    console.log(`R1 kill -9: ${N} emails, 3 kills; stored ${got.rows} (${got.rows - got.distinct} duplicates, ${N - got.distinct} lost), tasks ${raised.tasks}; a run after: ${final.imported} imported`);
    expect(final).toMatchObject({ ok: true, imported: 0 });
    expect(got).toEqual({ rows: N, distinct: N });
    expect(raised).toMatchObject({ ok: true, tasks: N });
    expect(await w.raiseEvents()).toMatchObject({ events: 0 });
  }, process.env.SOAK ? 2 * 60 * 60_000 : 240_000);
});
