// Inbound email through pg-boss: the tick queues one sync per due inbox, the worker reads it and the
// event queries raise the tasks; EMI_POLL decides when an inbox is due again; the flow switched off
// holds every inbox with the reason; one inbox never has two runs at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import PgBoss from 'pg-boss';
import { demoMailboxes, startInboundWorld, type InboundWorld } from './world.ts';
import { inboxPollJobs, runInboxPollTick } from '../../src/transport/jobs/inbox-poll.ts';
import { inboundPollStatus, requestInboxRun } from '../../src/app/inbound/poll-inboxes.ts';
import { syncInbox } from '../../src/app/inbound/sync-inbox.ts';
import { setParameter } from '../../src/app/parameters.ts';
import { SYSTEM_ACTOR } from '../../src/app/context.ts';

let w: InboundWorld;
let boss: PgBoss;

async function until<T>(what: () => Promise<T | undefined | false>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await what();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 200));
  }
}

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
    await until(async () => (await inboundPollStatus(w.t.ctx)).inboxes.every((i) => i.state?.lastRunAt) || undefined);
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
    const s = await inboundPollStatus(w.t.ctx);
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
});
