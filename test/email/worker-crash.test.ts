// kill -9 of an outbox worker in the middle of a send: the email still arrives exactly once, and
// the outbox ends "sent". The worker is a separate process; the fault holds its Graph request open
// (latency) so the kill lands while Graph is working on it.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../src/app/context.ts';
import { sendEmail } from '../../src/app/email/enqueue.ts';
import { getOutboxEmail } from '../../src/app/email/outbox.ts';
import { OPERATOR_VIEWER } from '../../src/domain/tasks/visibility.ts';
import { drainOutbox } from '../../src/app/email/send-outbox.ts';
import { demoApp, demoMailboxes } from '../../src/adapters/graph/demo-tenant.ts';
import { arrived, startEmailWorld, type EmailWorld } from './setup.ts';

let w: EmailWorld;
beforeAll(async () => {
  w = await startEmailWorld();
});
afterAll(async () => {
  await w?.stop();
});

function startWorker(): ChildProcess {
  const e = w.h.emulator;
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/email/outbox-worker.ts'], {
    env: {
      ...process.env,
      DATABASE_URL: w.t.databaseUrl,
      W_TENANT: e.tenantId,
      W_CLIENT_ID: demoApp.clientId,
      W_CLIENT_SECRET: demoApp.clientSecret,
      W_AUTHORITY_HOST: e.origin,
      W_GRAPH_BASE: e.graphBaseUrl,
      W_CA_PEM: e.caCertPem,
      W_LICENCE_KEYS: JSON.stringify(w.t.ctx.licencePublicKeys),
      W_LEASE_MS: '60000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr!.on('data', (d) => process.stderr.write(d));
  return child;
}

async function until(what: string, check: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function faultFired(id: string): Promise<boolean> {
  const rules = (await w.h.admin('GET', '/faults')).body.value as { id: string; fired: number }[];
  return (rules.find((r) => r.id === id)?.fired ?? 0) > 0;
}

describe('worker killed mid-send', () => {
  for (const stage of ['send', 'createDraft'] as const) {
    it(`kill -9 during ${stage}: the email arrives exactly once and ends sent`, async () => {
      const route = stage === 'send' ? '^POST /v1\\.0/users/[^/]+/messages/[^/]+/send$' : '^POST /v1\\.0/users/[^/]+/messages$';
      const fault = (await w.h.admin('POST', '/faults', { routePattern: route, kind: 'latency', latencyMs: 1500, count: 1 })).body;
      const subject = `Killed during ${stage}`;
      const { id } = await sendEmail(w.t.ctx, SYSTEM_ACTOR, { to: [demoMailboxes.asb], subject, text: 'x' });

      const worker = startWorker();
      try {
        await until('the worker to reach Graph', () => faultFired(fault.id));
        worker.kill('SIGKILL');
        await once(worker, 'exit');
      } finally {
        if (worker.exitCode === null && worker.signalCode === null) worker.kill('SIGKILL');
      }
      expect((await getOutboxEmail(w.t.ctx, id, OPERATOR_VIEWER)).status).toBe('sending');
      // Graph finishes the request the dead worker made.
      if (stage === 'send') await until('Graph to deliver', async () => (await arrived(w.h, demoMailboxes.asb, subject)) === 1);
      else await until('Graph to create the draft', async () => (await w.h.messages(demoMailboxes.noreply, 'drafts')).some((m) => m.subject === subject));

      // The lease of the dead worker runs out; another worker takes the email over.
      await w.t.ctx.db.updateTable('email_outbox').set({ lease_until: new Date(Date.now() - 1000) }).where('id', '=', id).execute();
      await drainOutbox(w.t.ctx, { perMinute: 1000 });

      const e = await getOutboxEmail(w.t.ctx, id, OPERATOR_VIEWER);
      expect(e.status).toBe('sent');
      expect(e.attempts).toBe(2);
      expect(await arrived(w.h, demoMailboxes.asb, subject)).toBe(1);
      expect((await w.h.messages(demoMailboxes.noreply, 'drafts')).filter((m) => m.subject === subject)).toHaveLength(0);
      expect((await w.h.messages(demoMailboxes.noreply, 'sentitems')).filter((m) => m.subject === subject)).toHaveLength(1);
    });
  }
});
