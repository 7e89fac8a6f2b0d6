// The outbox end to end against the emulator: template render + send, held when switched off,
// a > 3 MB attachment, 429 storms, 503s, a send whose answer is lost, dead letters and replay.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../src/app/context.ts';
import { enqueueEmail, sendEmail } from '../../src/app/email/enqueue.ts';
import { getOutboxEmail, replayEmail } from '../../src/app/email/outbox.ts';
import { OPERATOR_VIEWER } from '../../src/domain/tasks/visibility.ts';
import { drainOutbox } from '../../src/app/email/send-outbox.ts';
import { setParameter } from '../../src/app/parameters.ts';
import { demoMailboxes } from '../graph/harness.ts';
import { arrived, startEmailWorld, type EmailWorld } from './setup.ts';

let w: EmailWorld;
const { asb, complaints } = demoMailboxes;
const sam = demoMailboxes.officers[0];

beforeAll(async () => {
  w = await startEmailWorld();
});
afterAll(async () => {
  await w?.stop();
});
afterEach(async () => {
  await w.h.admin('DELETE', '/faults');
});

/** Drains until nothing is due now (failed ones are made due at once). */
async function drainAll(maxLoops = 10) {
  for (let i = 0; i < maxLoops; i++) {
    const r = await drainOutbox(w.t.ctx, { perMinute: 1000 });
    await w.t.ctx.db.updateTable('email_outbox').set({ next_attempt_at: new Date(0) }).where('status', '=', 'failed').execute();
    const left = await w.t.ctx.db.selectFrom('email_outbox').select('id').where('status', 'in', ['queued', 'failed']).execute();
    if (!left.length && !r.failed) return;
  }
}

describe('sending through the outbox', () => {
  it('renders a template inside the caller transaction and sends it once', async () => {
    const { id } = await w.t.ctx.db.transaction().execute((trx) =>
      enqueueEmail(trx, SYSTEM_ACTOR, {
        template: 'APPT_CONFIRM',
        data: { tenant: { name: 'Ms Jane Smith' }, appointment: { reference: 'BK-7', date: 'Wednesday 2 December 2026', start: '09:30', end: '10:30', type: 'Gas safety check', location: '12 High Street' } },
        to: [asb],
        source: 'appointments',
        sourceRef: 'BK-7',
      }),
    );
    const queued = await getOutboxEmail(w.t.ctx, id, OPERATOR_VIEWER);
    expect(queued).toMatchObject({ status: 'queued', subject: 'Your appointment on Wednesday 2 December 2026 at 09:30 (BK-7)', templateCode: 'APPT_CONFIRM' });
    expect(queued.html).toContain('Ms Jane Smith');

    const r = await drainOutbox(w.t.ctx);
    expect(r.sent).toBe(1);
    const sent = await getOutboxEmail(w.t.ctx, id, OPERATOR_VIEWER);
    expect(sent.status).toBe('sent');
    expect(sent.events.map((e) => e.status)).toEqual(['queued', 'sending', 'sent']);
    expect(await arrived(w.h, asb, queued.subject)).toBe(1);
  });

  it('enqueues nothing when the caller transaction rolls back', async () => {
    await expect(
      w.t.ctx.db.transaction().execute(async (trx) => {
        await enqueueEmail(trx, SYSTEM_ACTOR, { to: [asb], subject: 'rolled back', text: 'x' });
        throw new Error('business change failed');
      }),
    ).rejects.toThrow('business change failed');
    const rows = await w.t.ctx.db.selectFrom('email_outbox').select('id').where('subject', '=', 'rolled back').execute();
    expect(rows).toHaveLength(0);
  });

  it('refuses a template error with the line at fault, and an idempotency key enqueues once', async () => {
    await expect(sendEmail(w.t.ctx, SYSTEM_ACTOR, { template: 'NO_SUCH', to: [asb] })).rejects.toMatchObject({ code: 'validation' });
    const a = await sendEmail(w.t.ctx, SYSTEM_ACTOR, { to: [asb], subject: 'once', text: 'x', idempotencyKey: 'k-1' });
    const b = await sendEmail(w.t.ctx, SYSTEM_ACTOR, { to: [asb], subject: 'once', text: 'x', idempotencyKey: 'k-1' });
    expect(b).toEqual({ id: a.id, created: false });
  });

  it('holds email while EMAILOUT_OUTLOOK365 is N, and sends it when switched back on', async () => {
    await setParameter(w.t.ctx, SYSTEM_ACTOR, 'EMAILOUT_OUTLOOK365', 'N');
    const { id } = await sendEmail(w.t.ctx, SYSTEM_ACTOR, { to: [complaints], subject: 'Held for a while', text: 'x' });
    const r = await drainOutbox(w.t.ctx);
    expect(r.heldReason).toBe('held: EMAILOUT_OUTLOOK365 is N');
    expect(await getOutboxEmail(w.t.ctx, id, OPERATOR_VIEWER)).toMatchObject({ status: 'held', heldReason: 'held: EMAILOUT_OUTLOOK365 is N' });
    expect(await arrived(w.h, complaints, 'Held for a while')).toBe(0);

    await setParameter(w.t.ctx, SYSTEM_ACTOR, 'EMAILOUT_OUTLOOK365', 'Y');
    await drainAll();
    expect(await getOutboxEmail(w.t.ctx, id, OPERATOR_VIEWER)).toMatchObject({ status: 'sent', heldReason: null });
    expect(await arrived(w.h, complaints, 'Held for a while')).toBe(1);
  });

  it('sends a 5 MB attachment through an upload session', async () => {
    const big = Buffer.alloc(5 * 1024 * 1024, 1);
    big.write('%PDF-1.7');
    const { id } = await sendEmail(w.t.ctx, SYSTEM_ACTOR, { to: [sam], subject: 'Survey report', html: '<p>attached</p>', attachments: [{ name: 'survey.pdf', contentType: 'application/pdf', content: big.toString('base64') }] });
    await drainAll();
    expect((await getOutboxEmail(w.t.ctx, id, OPERATOR_VIEWER)).status).toBe('sent');
    const got = (await w.h.messages(sam)).filter((m) => m.subject === 'Survey report');
    expect(got).toHaveLength(1);
    expect(got[0].attachments!.map((a) => [a.name, a.size])).toEqual([['survey.pdf', big.length]]);
  });
});

describe('failures', () => {
  it('rides out a 429 storm and 503s: every email arrives exactly once', async () => {
    await w.h.admin('POST', '/faults', { routePattern: '^POST /v1\\.0/users/[^/]+/messages(/[^/]+/send)?$', kind: '429', rate: 0.5, count: 15, retryAfter: 0 });
    await w.h.admin('POST', '/faults', { routePattern: '^POST /v1\\.0/users/[^/]+/messages$', kind: '503', count: 3 });
    const subjects = Array.from({ length: 12 }, (_, i) => `Storm ${i}`);
    const ids = [];
    for (const s of subjects) ids.push((await sendEmail(w.t.ctx, SYSTEM_ACTOR, { to: [asb], subject: s, text: s })).id);
    await drainAll(20);
    for (const id of ids) expect((await getOutboxEmail(w.t.ctx, id, OPERATOR_VIEWER)).status).toBe('sent');
    for (const s of subjects) expect(await arrived(w.h, asb, s)).toBe(1);
    const faults = (await w.h.admin('GET', '/faults')).body.value;
    expect(faults.reduce((n: number, f: { fired: number }) => n + f.fired, 0)).toBeGreaterThan(3);
  });

  it('a send accepted by Graph whose answer is lost is not sent twice on retry', async () => {
    await w.h.admin('POST', '/faults', { routePattern: '^POST /v1\\.0/users/[^/]+/messages/[^/]+/send$', kind: 'accept-then-drop', count: 1 });
    const { id } = await sendEmail(w.t.ctx, SYSTEM_ACTOR, { to: [complaints], subject: 'Accepted then dropped', text: 'x' });
    const first = await drainOutbox(w.t.ctx);
    expect(first.failed).toBe(1);
    const failed = await getOutboxEmail(w.t.ctx, id, OPERATOR_VIEWER);
    expect(failed.status).toBe('failed');
    expect(failed.lastError).toMatch(/no answer from Graph/);
    expect(failed.nextAttemptAt.getTime()).toBeGreaterThan(Date.now());

    await drainAll();
    const done = await getOutboxEmail(w.t.ctx, id, OPERATOR_VIEWER);
    expect(done.status).toBe('sent');
    expect(done.events.at(-1)!.detail).toMatch(/already sent by an earlier attempt/);
    expect(await arrived(w.h, complaints, 'Accepted then dropped')).toBe(1);
  });

  it('a send that times out while Graph is still carrying it out is not sent twice', async () => {
    const ctx = { ...w.t.ctx, graph: w.h.gateway({ transport: { timeoutMs: 400 } }) };
    await w.h.admin('POST', '/faults', { routePattern: '^POST /v1\\.0/users/[^/]+/messages/[^/]+/send$', kind: 'latency', latencyMs: 1500, count: 1 });
    const { id } = await sendEmail(ctx, SYSTEM_ACTOR, { to: [complaints], subject: 'Timed out but sent', text: 'x' });
    expect((await drainOutbox(ctx)).failed).toBe(1);
    expect((await getOutboxEmail(ctx, id, OPERATOR_VIEWER)).lastError).toMatch(/timed out/);
    // Graph finishes the send after our time-out.
    for (let i = 0; i < 100 && (await arrived(w.h, complaints, 'Timed out but sent')) === 0; i++) await new Promise((r) => setTimeout(r, 100));
    await w.t.ctx.db.updateTable('email_outbox').set({ next_attempt_at: new Date(0) }).where('id', '=', id).execute();
    await drainOutbox(ctx);
    const done = await getOutboxEmail(ctx, id, OPERATOR_VIEWER);
    expect(done.status).toBe('sent');
    expect(done.events.at(-1)!.detail).toMatch(/already sent by an earlier attempt/);
    expect(await arrived(w.h, complaints, 'Timed out but sent')).toBe(1);
  });

  it('a create-draft whose answer is lost leaves one draft, which is then sent once', async () => {
    await w.h.admin('POST', '/faults', { routePattern: '^POST /v1\\.0/users/[^/]+/messages$', kind: 'accept-then-drop', count: 1 });
    const { id } = await sendEmail(w.t.ctx, SYSTEM_ACTOR, { to: [complaints], subject: 'Draft answer lost', text: 'x' });
    await drainAll();
    expect((await getOutboxEmail(w.t.ctx, id, OPERATOR_VIEWER)).status).toBe('sent');
    expect(await arrived(w.h, complaints, 'Draft answer lost')).toBe(1);
    const drafts = (await w.h.messages(demoMailboxes.noreply, 'drafts')).filter((m) => m.subject === 'Draft answer lost');
    expect(drafts).toHaveLength(0);
  });

  it('makes a permanent error dead with the reason, and replays it', async () => {
    const { id } = await sendEmail(w.t.ctx, SYSTEM_ACTOR, { to: [asb], subject: 'Will die', text: 'x' });
    // Graph refuses the draft outright: a 400 (here: a sender mailbox that does not exist).
    await setParameter(w.t.ctx, SYSTEM_ACTOR, 'EMO_EMAILADDR', `ghost@${demoMailboxes.noreply.split('@')[1]}`);
    await drainOutbox(w.t.ctx);
    const dead = await getOutboxEmail(w.t.ctx, id, OPERATOR_VIEWER);
    expect(dead.status).toBe('dead');
    expect(dead.deadReason).toMatch(/Graph 404|ErrorInvalidUser|not/i);

    await setParameter(w.t.ctx, SYSTEM_ACTOR, 'EMO_EMAILADDR', demoMailboxes.noreply);
    const replayed = await replayEmail(w.t.ctx, { username: 'admin' }, id, OPERATOR_VIEWER);
    expect(replayed.status).toBe('queued');
    await drainAll();
    expect((await getOutboxEmail(w.t.ctx, id, OPERATOR_VIEWER)).status).toBe('sent');
    expect(await arrived(w.h, asb, 'Will die')).toBe(1);
  });

  it('never starts more than the per-minute allowance from one mailbox', async () => {
    for (let i = 0; i < 6; i++) await sendEmail(w.t.ctx, SYSTEM_ACTOR, { to: [sam], subject: `Rate ${i}`, text: 'x' });
    // Everything sent earlier in this file also counts against the minute.
    const started = await w.t.ctx.db.selectFrom('email_outbox').select('id').where('send_started_at', '>', new Date(Date.now() - 60_000)).execute();
    const r = await drainOutbox(w.t.ctx, { perMinute: started.length + 4 });
    expect(r.sent).toBe(4);
    expect(r.rateLimited).toBe(true);
    const queued = await w.t.ctx.db.selectFrom('email_outbox').select('id').where('status', '=', 'queued').where('subject', 'like', 'Rate %').execute();
    expect(queued).toHaveLength(2);
  });
});
