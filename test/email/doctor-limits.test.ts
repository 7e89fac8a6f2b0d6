// `housing365 doctor` on the tenant's limits and the app's permissions (issue 15 §2, §5): the message
// size limit housing365 queues against is compared with what Graph takes for the sending mailbox, and
// the app token's roles are read per direction — with the read roles subscriptions need when change
// notifications are on (Graph does not take Mail.ReadWrite for a mail subscription).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../src/app/context.ts';
import { runDoctor } from '../../src/app/email/doctor.ts';
import { setParameter } from '../../src/app/parameters.ts';
import { demoMailboxes } from '../graph/harness.ts';
import { startEmailWorld, type EmailWorld } from './setup.ts';

let w: EmailWorld;
beforeAll(async () => {
  w = await startEmailWorld();
}, 120_000);
afterAll(() => w?.stop());

const check = (r: Awaited<ReturnType<typeof runDoctor>>, name: string) => r.checks.find((c) => c.name === name);

describe('doctor: message size limit', () => {
  it('passes when Graph takes the configured size, and says Graph cannot tell the limit itself', async () => {
    const r = await runDoctor(w.t.ctx);
    expect(check(r, 'message size limit')).toMatchObject({ status: 'pass' });
    expect(check(r, 'message size limit')!.detail).toMatch(/35 MB.*cannot tell.*MaxSendSize/s);
    // the probe's draft is gone from Drafts
    expect((await w.h.messages(demoMailboxes.noreply, 'drafts')).filter((m) => m.subject.startsWith('housing365 doctor'))).toEqual([]);
  });

  it('fails when the tenant allows less than EXCHANGE_MAX_MESSAGE_MB', async () => {
    await w.h.admin('POST', '/limits', { maxMessageBytes: 20 * 1024 * 1024 });
    try {
      const r = await runDoctor(w.t.ctx);
      expect(check(r, 'message size limit')).toMatchObject({ status: 'fail' });
      expect(check(r, 'message size limit')!.detail).toMatch(/tenant allows less/);
      expect(r.ok).toBe(false);
    } finally {
      await w.h.admin('POST', '/limits', { maxMessageBytes: 35 * 1024 * 1024 });
    }
  });
});

describe('doctor: permissions per direction', () => {
  it('wants Mail.Read beside Mail.ReadWrite for inbound email once notifications are on', async () => {
    await setParameter(w.t.ctx, SYSTEM_ACTOR, 'EMAILIN_OUTLOOK365', 'Y');
    const ctx = { ...w.t.ctx, config: { ...w.t.ctx.config, publicBaseUrl: 'https://housing.example.org' } };
    const ok = await runDoctor(ctx, { probeMailboxes: false });
    expect(check(ok, 'permissions: Inbound email')).toMatchObject({ status: 'pass' });
    expect(check(ok, 'permissions: Inbound email')!.detail).toMatch(/Mail\.ReadWrite, Mail\.Read/);

    // An app registration holding only the write roles, as an admin might grant.
    const writer = { clientId: '7d1f2c3b-0000-4000-8000-00000000w001', clientSecret: 'writer-secret' };
    w.h.emulator.state.apps.push({ ...writer, roles: ['Mail.Send', 'Mail.ReadWrite', 'Calendars.ReadWrite'] });
    const graph = w.h.gateway({ clientId: writer.clientId, clientSecret: writer.clientSecret });
    const r = await runDoctor({ ...ctx, graph }, { probeMailboxes: false });
    expect(check(r, 'permissions: Inbound email')).toMatchObject({ status: 'warn' });
    expect(check(r, 'permissions: Inbound email')!.detail).toMatch(/lacks Mail\.Read .*subscriptions/);
    // Without notifications, polling needs no read role.
    const polling = await runDoctor({ ...w.t.ctx, graph }, { probeMailboxes: false });
    expect(check(polling, 'permissions: Inbound email')).toMatchObject({ status: 'pass' });
    await setParameter(w.t.ctx, SYSTEM_ACTOR, 'EMAILIN_OUTLOOK365', 'N');
  });
});
