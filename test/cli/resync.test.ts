// `housing365 resync` as an operator runs it: its own process, against the tenant (the emulator here,
// through the same AZURE_* settings a real tenant uses), sharing Graph's per-mailbox slots with the
// workers through the database.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoApp } from '../../src/adapters/graph/demo-tenant.ts';
import { demoMailboxes, startInboundWorld, type InboundWorld } from '../inbound/world.ts';

const run = promisify(execFile);
const bin = path.resolve(import.meta.dirname, '../../bin/housing365.js');
const dir = mkdtempSync(path.join(tmpdir(), 'h365-cli-resync-'));
let w: InboundWorld;

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const caFile = path.join(dir, 'ca.pem');
  writeFileSync(caFile, w.emulator.caCertPem);
  const env = {
    ...process.env,
    DATABASE_URL: w.t.databaseUrl,
    HOUSING365_DATA_DIR: dir,
    HOUSING365_LICENCE_PUBLIC_KEY: w.t.ctx.licencePublicKeys[0],
    AZURE_TENANT_ID: w.emulator.tenantId,
    AZURE_CLIENT_ID: demoApp.clientId,
    AZURE_CLIENT_SECRET: demoApp.clientSecret,
    AZURE_AUTHORITY_HOST: w.emulator.origin,
    GRAPH_BASE_URL: w.emulator.graphBaseUrl,
    GRAPH_CA_FILE: caFile,
    LOG_LEVEL: 'warn',
  };
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { env });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(async () => {
  w = await startInboundWorld();
}, 120_000);
afterAll(async () => {
  await w?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('housing365 resync', { timeout: 240_000 }, () => {
  it('reads an inbox again from scratch, printing progress and a summary, through the shared Graph slots', async () => {
    // Mail received before the inbox was first read is not imported (the inbox is switched on then); the summary says so.
    const old = await w.admin('POST', `/users/${demoMailboxes.asb}/messages/bulk`, { count: 2, subjectPrefix: 'Old', startDateTime: '2026-01-01T00:00:00Z' });
    expect(old.status).toBe(201);
    await w.sync('ASB');
    const res = await w.admin('POST', `/users/${demoMailboxes.asb}/messages/bulk`, { count: 30, subjectPrefix: 'Resync', startDateTime: new Date(Date.now() + 1000).toISOString() });
    expect(res.status).toBe(201);
    const r = await cli('resync', '--inbox', 'ASB');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\d+ item\(s\), \d+ Graph request\(s\)/);
    expect(r.stdout).toMatch(/ASB: 30 imported, 0 already stored, 0 duplicate\(s\), 0 parked, \d+ received before the inbox was switched on/);
    const stored = await sql<{ n: number }>`SELECT count(*)::int AS n FROM inbound_emails WHERE subject LIKE 'Resync %'`.execute(w.t.ctx.db);
    expect(stored.rows[0].n).toBe(30);
    // The CLI leased its Graph requests from the slot table every worker uses (and gave them back).
    const slots = await sql<{ slot: number; holder: string | null }>`SELECT slot, holder FROM graph_mailbox_slots WHERE mailbox = ${demoMailboxes.asb.toLowerCase()} ORDER BY slot`.execute(w.t.ctx.db);
    expect(slots.rows.map((s) => s.slot)).toEqual([0, 1, 2, 3]);
    expect(slots.rows.every((s) => s.holder === null)).toBe(true);
    // A second resync imports nothing twice.
    expect((await cli('resync', '--inbox', 'ASB')).code).toBe(0);
    const again = await sql<{ n: number }>`SELECT count(*)::int AS n FROM inbound_emails WHERE subject LIKE 'Resync %'`.execute(w.t.ctx.db);
    expect(again.rows[0].n).toBe(30);
  });

  it('names what is wrong with its options', async () => {
    const both = await cli('resync', '--inbox', 'ASB', '--calendar', 'x@y');
    expect(both.code).toBe(64);
    expect(both.stderr).toMatch(/exactly one of --inbox or --calendar/);
    const unknown = await cli('resync', '--inbox', 'NOPE');
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/NOPE/);
  });
});
