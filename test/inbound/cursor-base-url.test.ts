// Issue 14 §1: a stored delta cursor survives a change of Graph's address — the demo emulator on
// another port after a restart, or a changed GRAPH_BASE_URL. Cursors are stored relative to the base
// URL; one stored absolute under another address gives one clean full resync, never a retry loop.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../emulator/src/index.ts';
import { createGraphGateway } from '../../src/adapters/graph/index.ts';
import { demoDomain, demoMailboxes, demoSeed, demoGraphSettings } from '../../src/adapters/graph/demo-tenant.ts';
import { installLicence } from '../../src/app/licence.ts';
import { setParameter } from '../../src/app/parameters.ts';
import { addFrv } from '../../src/app/frvs.ts';
import { SYSTEM_ACTOR } from '../../src/app/context.ts';
import { syncInbox } from '../../src/app/inbound/sync-inbox.ts';
import { createTestContext, testLicence, type TestContext } from '../helpers/db.ts';

let t: TestContext;
let stateDir: string;
let emulator: Emulator;
let graph: ReturnType<typeof createGraphGateway>;
const inbox = { code: 'ASB', mailbox: demoMailboxes.asb };

async function startGraph(): Promise<void> {
  emulator = await startEmulator({ seed: demoSeed(), stateDir, quiet: true });
  graph = createGraphGateway(demoGraphSettings(emulator, { baseBackoffMs: 20, maxBackoffMs: 200 }));
}
async function stopGraph(): Promise<void> {
  await graph.close();
  await emulator.stop();
}
async function mail(subject: string): Promise<void> {
  const box = () => Object.values(emulator.state.users).find((u) => u.userPrincipalName === demoMailboxes.asb)!.mailbox.messages;
  const n0 = Object.keys(box()).length;
  const smtp = nodemailer.createTransport({ host: emulator.smtp.host, port: emulator.smtp.port, secure: false, ignoreTLS: true });
  await smtp.sendMail({ from: 'tenant@example.org', to: demoMailboxes.asb, subject, text: subject });
  smtp.close();
  for (let i = 0; i < 200 && Object.keys(box()).length === n0; i++) await new Promise((r) => setTimeout(r, 25));
}
const sync = () => syncInbox(t.ctx, inbox, { gateway: graph.mail, pageSize: 2 });
const storedCursor = async () => (await t.ctx.db.selectFrom('inbox_sync_state').select('cursor').where('inbox', '=', 'ASB').executeTakeFirstOrThrow()).cursor;
const subjects = async () => (await t.ctx.db.selectFrom('inbound_emails').select('subject').orderBy('id').execute()).map((r) => r.subject);

beforeAll(async () => {
  stateDir = await mkdtemp(path.join(tmpdir(), 'h365-cursor-'));
  t = await createTestContext({ dataDir: stateDir });
  await startGraph();
  await installLicence(t.ctx, SYSTEM_ACTOR, testLicence(t.licencePrivateKey));
  for (const [k, v] of [['INBOX_SERVER', demoDomain], ['OUTLOOK365', 'Y'], ['EMAILIN_OUTLOOK365', 'Y']] as const) await setParameter(t.ctx, SYSTEM_ACTOR, k, v);
  await addFrv(t.ctx, SYSTEM_ACTOR, { domain: 'EXCHANGE_INBOX', code: 'ASB', description: 'ASB inbox' });
  await sync();
}, 60_000);
afterAll(async () => {
  await stopGraph().catch(() => {});
  await t?.cleanup();
  await rm(stateDir, { recursive: true, force: true });
});

describe('inbox delta cursors and a changed Graph base URL', () => {
  it('stores the cursor relative to the base URL and goes on from it after the emulator comes back on another port', async () => {
    await mail('before the restart 1');
    await mail('before the restart 2');
    await mail('before the restart 3');
    expect(await sync()).toMatchObject({ ok: true, imported: 3, fullResync: false });
    const cursor = await storedCursor();
    expect(cursor).toMatch(/^\/users\/.+\/messages\/delta\?/);
    expect(cursor).not.toContain('localhost');

    const oldPort = emulator.port;
    await stopGraph();
    await startGraph();
    expect(emulator.port).not.toBe(oldPort);
    await mail('after the restart');
    expect(await sync()).toMatchObject({ ok: true, imported: 1, fullResync: false });
    expect(await subjects()).toEqual(['before the restart 1', 'before the restart 2', 'before the restart 3', 'after the restart']);
  });

  it('uses an absolute cursor stored before the rule when it lies under the current base URL', async () => {
    const rel = (await storedCursor())!;
    await t.ctx.db.updateTable('inbox_sync_state').set({ cursor: `${emulator.graphBaseUrl}${rel}` }).where('inbox', '=', 'ASB').execute();
    await mail('absolute under the current base');
    expect(await sync()).toMatchObject({ ok: true, imported: 1, fullResync: false });
    expect(await storedCursor()).toMatch(/^\/users\//);
  });

  it('resyncs once, cleanly, from an absolute cursor under an address that is gone', async () => {
    const rel = (await storedCursor())!;
    await t.ctx.db.updateTable('inbox_sync_state').set({ cursor: `https://localhost:1/v1.0${rel}` }).where('inbox', '=', 'ASB').execute();
    await mail('after the base changed');
    const r = await sync();
    // Started over from scratch: what is stored already is skipped by id, nothing duplicated.
    expect(r).toMatchObject({ ok: true, imported: 1, fullResync: true, duplicates: 0 });
    expect(r.alreadyStored).toBeGreaterThanOrEqual(5);
    expect(await storedCursor()).toMatch(/^\/users\//);
    // And the next run is an ordinary delta run: no loop.
    expect(await sync()).toMatchObject({ ok: true, imported: 0, fullResync: false });
    expect(await subjects()).toHaveLength(6);
  });
});
