// Issue 14 §2: the first-read cut-off of an inbox is when it was configured (its EXCHANGE_INBOX value
// added or activated), not when the first poll happened to run — mail a new user sends at once is read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoMailboxes, startInboundWorld, type InboundWorld } from './world.ts';
import { deactivateFrv, updateFrv } from '../../src/app/frvs.ts';
import { SYSTEM_ACTOR } from '../../src/app/context.ts';

let w: InboundWorld;
beforeAll(async () => {
  // The world adds the ASB and COMPLAINTS values; no poll has run yet.
  w = await startInboundWorld();
}, 60_000);
afterAll(async () => w?.stop());

const email = (subject: string) => w.t.ctx.db.selectFrom('inbound_emails').select(['id', 'inbox']).where('subject', '=', subject).executeTakeFirst();

describe('the first read of an inbox', () => {
  it('imports mail that arrived after the inbox was configured but before its first poll, and raises its task', async () => {
    const state = await w.t.ctx.db.selectFrom('inbox_sync_state').select('inbox').execute();
    expect(state).toEqual([]);
    await w.mail({ from: 'new.user@example.org', to: demoMailboxes.asb, subject: 'Sent straight after set-up', text: 'Testing.' });
    // The first poll comes two minutes later (the clock injected): the mail is older than that poll.
    const realNow = w.t.ctx.now;
    w.t.ctx.now = () => new Date(Date.now() + 120_000);
    const first = await w.sync('ASB').finally(() => (w.t.ctx.now = realNow));
    expect(first).toMatchObject({ ok: true, imported: 1, tooOld: 0 });
    expect(await email('Sent straight after set-up')).toMatchObject({ inbox: 'ASB' });
    expect(await w.raiseEvents()).toMatchObject({ ok: true, tasks: 1 });
    const row = await w.t.ctx.db.selectFrom('tm_tasks').select('inbox').where('title', '=', 'Sent straight after set-up').executeTakeFirst();
    expect(row).toMatchObject({ inbox: 'ASB' });
  });

  it('still skips mail from before the inbox was configured', async () => {
    await w.admin('POST', `/users/${demoMailboxes.complaints}/messages`, { subject: 'From last week', receivedDateTime: new Date(Date.now() - 7 * 86_400_000).toISOString() });
    expect(await w.sync('COMPLAINTS')).toMatchObject({ ok: true, imported: 0, tooOld: 1 });
  });

  it('moves the cut-off to when a deactivated inbox was activated again', async () => {
    await deactivateFrv(w.t.ctx, SYSTEM_ACTOR, 'EXCHANGE_INBOX', 'COMPLAINTS');
    await w.mail({ from: 'r@example.org', to: demoMailboxes.complaints, subject: 'While the inbox was off', text: 'x' });
    // Graph stamps whole seconds: make sure activation is in a later second than that mail.
    const received = Date.now();
    while (Math.floor(Date.now() / 1000) === Math.floor(received / 1000)) await new Promise((r) => setTimeout(r, 50));
    await updateFrv(w.t.ctx, SYSTEM_ACTOR, 'EXCHANGE_INBOX', 'COMPLAINTS', { active: true });
    await w.mail({ from: 'r@example.org', to: demoMailboxes.complaints, subject: 'After it was on again', text: 'x' });
    const r = await w.sync('COMPLAINTS');
    expect(r).toMatchObject({ ok: true, imported: 1 });
    expect(await email('After it was on again')).toBeTruthy();
    expect(await email('While the inbox was off')).toBeUndefined();
  });
});
