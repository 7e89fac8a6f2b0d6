// Tenant mode exactly as against Microsoft, but pointed at a standalone emulator through the
// settings (AZURE_*, GRAPH_BASE_URL, AZURE_AUTHORITY_HOST, GRAPH_CA_FILE); and the doctor passing
// end to end once licence, switches and parameters are right.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectGraph } from '../../src/adapters/graph/connect.ts';
import { demoApp } from '../../src/adapters/graph/demo-tenant.ts';
import { runDoctor } from '../../src/app/email/doctor.ts';
import { parseConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { demoMailboxes } from '../graph/harness.ts';
import { startEmailWorld, type EmailWorld } from './setup.ts';

let w: EmailWorld;
beforeAll(async () => {
  w = await startEmailWorld();
});
afterAll(async () => w?.stop());

describe('connecting to Microsoft 365', () => {
  it('reaches a tenant through AZURE_* and GRAPH_CA_FILE settings alone, and the doctor passes', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'h365-connect-'));
    const caFile = path.join(dir, 'ca.pem');
    writeFileSync(caFile, w.h.emulator.caCertPem);
    const config = parseConfig({
      HOUSING365_DATA_DIR: dir,
      AZURE_TENANT_ID: w.h.emulator.tenantId,
      AZURE_CLIENT_ID: demoApp.clientId,
      AZURE_CLIENT_SECRET: demoApp.clientSecret,
      GRAPH_BASE_URL: w.h.emulator.graphBaseUrl,
      AZURE_AUTHORITY_HOST: w.h.emulator.origin,
      GRAPH_CA_FILE: caFile,
    });
    expect(config.demoMode).toBe(false);
    const conn = await connectGraph(config, createLogger({ level: 'silent', pretty: false }));
    try {
      expect(conn.integration).toMatchObject({ mode: 'tenant', graphBaseUrl: w.h.emulator.graphBaseUrl, authority: `${w.h.emulator.origin}/${w.h.emulator.tenantId}` });
      expect((await conn.graph.directory.findUser(demoMailboxes.asb))?.userPrincipalName).toBe(demoMailboxes.asb);

      const report = await runDoctor({ ...w.t.ctx, graph: conn.graph, integration: conn.integration });
      const failing = report.checks.filter((c) => c.status === 'fail');
      expect(failing).toEqual([]);
      expect(report.ok).toBe(true);
      expect(report.checks.find((c) => c.name === `${demoMailboxes.noreply} (outbound)`)).toMatchObject({ status: 'pass' });
      expect(report.checks.find((c) => c.name === 'EMAILIN_OUTLOOK365')).toMatchObject({ status: 'skip' });
      // The probe left no draft behind.
      expect((await w.h.messages(demoMailboxes.noreply, 'drafts')).filter((m) => m.subject.startsWith('housing365 doctor'))).toEqual([]);
    } finally {
      await conn.stop();
    }
  });

  it('without the CA file the same tenant is refused at TLS, reported by the doctor', async () => {
    const config = parseConfig({ HOUSING365_DATA_DIR: '/tmp/h365-unused', AZURE_TENANT_ID: w.h.emulator.tenantId, AZURE_CLIENT_ID: demoApp.clientId, AZURE_CLIENT_SECRET: demoApp.clientSecret, GRAPH_BASE_URL: w.h.emulator.graphBaseUrl, AZURE_AUTHORITY_HOST: w.h.emulator.origin });
    const conn = await connectGraph(config, createLogger({ level: 'silent', pretty: false }));
    try {
      const report = await runDoctor({ ...w.t.ctx, graph: conn.graph, integration: conn.integration });
      expect(report.ok).toBe(false);
      expect(report.checks.find((c) => c.name === 'token')).toMatchObject({ status: 'fail' });
    } finally {
      await conn.stop();
    }
  });
});
