// Inbound email through pg-boss: the tick queues one sync per due inbox, the worker reads it and the
// event queries raise the tasks; EMI_POLL decides when an inbox is due again; the flow switched off
// holds every inbox with the reason; one inbox never has two runs at once; a job left active by a
// killed worker holds up no other inbox, and a run that finds its inbox busy comes back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import PgBoss from 'pg-boss';
import { demoMailboxes, startInboundWorld, type InboundWorld } from './world.ts';
import { inboxPollJobs, runInboxPollTick } from '../../src/transport/jobs/inbox-poll.ts';
import { inboundPollStatus, requestInboxRun } from '../../src/app/inbound/poll-inboxes.ts';
import { OPERATOR_VIEWER } from '../../src/domain/tasks/visibility.ts';
import { syncInbox } from '../../src/app/inbound/sync-inbox.ts';
import { setParameter } from '../../src/app/parameters.ts';
import { SYSTEM_ACTOR } from '../../src/app/context.ts';
import { sql } from 'kysely';
import pg from 'pg';
import { INBOX_SYNC_QUEUE, queueSync } from '../../src/transport/jobs/sync-queues.ts';
import { until } from '../helpers/until.ts';

let w: InboundWorld;
let boss: PgBoss;


beforeAll(async () => {
  w = await startInboundWorld();
  boss = new PgBoss({ connectionString: w.t.databaseUrl, schema: 'pgboss', max: 3 });
  boss.on('error', () => {});
  await boss.start();
  w.t.ctx.boss = boss;
  await inboxPollJobs.register(boss, w.t.ctx);
}, 60_000);
afterAll(async () => {
  await boss?.stop({ graceful: false, close: true });
  await w?.stop();
});

describe('inbound email jobs', () => {
  it('reads every inbox through the queue and raises the tasks, then waits EMI_POLL minutes', async () => {
    expect((await runInboxPollTick(w.t.ctx, boss)).queued).toBe(2); // first runs: both inboxes enabled
    await until(async () => (await inboundPollStatus(w.t.ctx, OPERATOR_VIEWER)).inboxes.every((i) => i.state?.lastRunAt) || undefined);
    await w.mail({ from: 'r@example.org', to: demoMailboxes.asb, subject: 'Through the queue', text: 'x' });
    // EMI_POLL = 1 minute and both ran a moment ago: nothing is due yet.
    expect((await runInboxPollTick(w.t.ctx, boss)).queued).toBe(0);
    // Run-now makes ASB due at the next tick; its import wakes the event queries.
    await requestInboxRun(w.t.ctx, SYSTEM_ACTOR, 'ASB');
    expect((await runInboxPollTick(w.t.ctx, boss)).queued).toBe(1);
    const task = await until(async () => w.t.ctx.db.selectFrom('tm_tasks').select(['id', 'inbox']).where('title', '=', 'Through the queue').executeTakeFirst());
    expect(task.inbox).toBe('ASB');
  });

  it('holds every inbox, with the reason, when inbound email is switched off', async () => {
    await setParameter(w.t.ctx, SYSTEM_ACTOR, 'EMAILIN_OUTLOOK365', 'N');
    await requestInboxRun(w.t.ctx, SYSTEM_ACTOR);
    const r = await runInboxPollTick(w.t.ctx, boss);
    expect(r).toMatchObject({ queued: 0, held: expect.stringMatching(/EMAILIN_OUTLOOK365 is N/) });
    const s = await inboundPollStatus(w.t.ctx, OPERATOR_VIEWER);
    expect(s.running).toBe(false);
    expect(s.inboxes.map((i) => i.state?.lastSkippedReason)).toEqual([expect.stringMatching(/EMAILIN_OUTLOOK365 is N/), expect.stringMatching(/EMAILIN_OUTLOOK365 is N/)]);
    await setParameter(w.t.ctx, SYSTEM_ACTOR, 'EMAILIN_OUTLOOK365', 'Y');
  });

  it('never runs one inbox twice at once', async () => {
    const slow = {
      ...w.graph.mail,
      async *messageDelta(...args: Parameters<typeof w.graph.mail.messageDelta>) {
        await new Promise((r) => setTimeout(r, 500));
        yield* w.graph.mail.messageDelta(...args);
      },
    };
    const inbox = { code: 'COMPLAINTS', mailbox: demoMailboxes.complaints };
    const runs = await Promise.all([0, 1, 2].map(() => syncInbox(w.t.ctx, inbox, { gateway: slow })));
    expect(runs.filter((r) => r.skipped === 'busy')).toHaveLength(2);
    expect(runs.filter((r) => !r.skipped)).toHaveLength(1);
  });

  it('a sync job left active by a killed worker holds up no other inbox', async () => {
    // What kill -9 mid-run leaves: the job active until its expiry (an hour), and another run of the
    // same inbox waiting behind it. With the old 'stately' queue every fetch then failed on the unique
    // index, for every inbox, until the expiry.
    await sql`INSERT INTO pgboss.job (name, data, state, singleton_key, policy, started_on)
              VALUES (${INBOX_SYNC_QUEUE}, ${JSON.stringify({ inbox: 'ASB' })}::jsonb, 'active', 'ASB', 'short', now())`.execute(w.t.ctx.db);
    expect(await queueSync(boss, 'inbox', 'ASB')).toBeTruthy();
    await w.mail({ from: 'r@example.org', to: demoMailboxes.complaints, subject: 'Past the stuck job', text: 'x' });
    await requestInboxRun(w.t.ctx, SYSTEM_ACTOR, 'COMPLAINTS');
    expect(await queueSync(boss, 'inbox', 'COMPLAINTS')).toBeTruthy();
    const row = await until(() => w.t.ctx.db.selectFrom('inbound_emails').select('inbox').where('subject', '=', 'Past the stuck job').executeTakeFirst());
    expect(row.inbox).toBe('COMPLAINTS');
    await sql`DELETE FROM pgboss.job WHERE name = ${INBOX_SYNC_QUEUE} AND state = 'active' AND started_on IS NOT NULL AND data->>'inbox' = 'ASB'`.execute(w.t.ctx.db);
  });

  it('a run that finds its inbox busy queues itself again, and runs once the inbox is free', async () => {
    const holder = new pg.Client({ connectionString: w.t.databaseUrl });
    await holder.connect();
    try {
      await holder.query("SELECT pg_advisory_lock(hashtext('inbox_sync'), hashtext($1))", ['COMPLAINTS']); // inboxLockKey's lock
      await w.mail({ from: 'r@example.org', to: demoMailboxes.complaints, subject: 'Arrived during a run', text: 'x' });
      expect(await queueSync(boss, 'inbox', 'COMPLAINTS')).toBeTruthy();
      // The worker takes the job, finds the inbox busy and queues it again for later.
      const again = await until(async () => {
        const r = await sql<{ later: boolean }>`SELECT start_after >= created_on + interval '0.9 seconds' AS later FROM pgboss.job
          WHERE name = ${INBOX_SYNC_QUEUE} AND singleton_key = 'COMPLAINTS' AND state = 'created'`.execute(w.t.ctx.db);
        return r.rows.find((x) => x.later);
      });
      expect(again.later).toBe(true);
      expect(await w.t.ctx.db.selectFrom('inbound_emails').select('id').where('subject', '=', 'Arrived during a run').executeTakeFirst()).toBeUndefined();
    } finally {
      await holder.end(); // the lock goes with the session, as a killed worker's does
    }
    const row = await until(() => w.t.ctx.db.selectFrom('inbound_emails').select('inbox').where('subject', '=', 'Arrived during a run').executeTakeFirst());
    expect(row.inbox).toBe('COMPLAINTS');
  });
});
