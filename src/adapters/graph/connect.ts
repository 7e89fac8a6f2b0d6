/**
 * Where Graph is for this process: the real tenant (AZURE_* settings), or — with no AZURE_TENANT_ID —
 * the embedded emulator with the demo tenant, state kept under `<dataDir>/emulator`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../../config.ts';
import type { Logger } from '../../logger.ts';
import type { IntegrationEndpoints } from '../../app/context.ts';
import type { GraphGateway } from '../../app/ports/graph.ts';
import { demoApp, demoSeed } from './demo-tenant.ts';
import { createGraphGateway } from './index.ts';
import type { OidcSettings } from '../identity/oidc.ts';
import type { TransportOptions } from './transport.ts';

export interface GraphConnection {
  graph: GraphGateway;
  integration: IntegrationEndpoints;
  /** Admin API of the embedded emulator (demo mode only). */
  emulatorAdminUrl?: string;
  /** Staff "Sign in with Microsoft": the same app registration (needs its client secret). */
  staffSignIn?: OidcSettings;
  stop(): Promise<void>;
}

/** Process-wide transport hooks: the shared mailbox slots (several processes) and metrics. */
export type ConnectOptions = Pick<TransportOptions, 'limiter' | 'onResponse' | 'onRetry'>;

export async function connectGraph(config: Config, logger: Logger, opts: ConnectOptions = {}): Promise<GraphConnection> {
  const onRetry: TransportOptions['onRetry'] = (r) => {
    logger.debug(r, 'graph retry');
    opts.onRetry?.(r);
  };
  if (!config.demoMode) {
    const a = config.azure;
    const graph = createGraphGateway({
      tenantId: a.tenantId!,
      clientId: a.clientId!,
      clientSecret: a.clientSecret,
      certificatePath: a.clientCertificatePath,
      authorityHost: a.authorityHost,
      graphBaseUrl: a.graphBaseUrl,
      caFile: a.caFile,
      transport: { onRetry, limiter: opts.limiter, onResponse: opts.onResponse },
    });
    return {
      graph,
      integration: { mode: 'tenant', graphBaseUrl: a.graphBaseUrl, authority: graph.endpoints.authority },
      staffSignIn: a.clientSecret
        ? { issuer: `${a.authorityHost.replace(/\/$/, '')}/${a.tenantId}/v2.0`, clientId: a.clientId!, clientSecret: a.clientSecret, caPem: a.caFile ? readFileSync(a.caFile, 'utf8') : undefined }
        : undefined,
      stop: () => graph.close(),
    };
  }
  // Loaded only in demo mode: a real deployment never starts the emulator.
  const { startEmulator } = await import('../../../emulator/src/index.ts');
  const emulator = await startEmulator({ seed: demoSeed(), stateDir: path.join(config.dataDir, 'emulator'), quiet: true });
  const graph = createGraphGateway({
    tenantId: emulator.tenantId,
    clientId: demoApp.clientId,
    clientSecret: demoApp.clientSecret,
    authorityHost: emulator.origin,
    graphBaseUrl: emulator.graphBaseUrl,
    caPem: emulator.caCertPem,
    transport: { onRetry: (r) => logger.debug(r, 'graph retry') },
  });
  logger.info({ graphBaseUrl: emulator.graphBaseUrl, smtpPort: emulator.smtp.port }, 'demo mode: embedded Graph emulator started');
  return {
    graph,
    integration: { mode: 'demo', graphBaseUrl: emulator.graphBaseUrl, authority: emulator.authority, smtp: emulator.smtp },
    emulatorAdminUrl: emulator.adminUrl,
    staffSignIn: { issuer: `${emulator.authority}/v2.0`, clientId: demoApp.clientId, clientSecret: demoApp.clientSecret, caPem: emulator.caCertPem },
    async stop() {
      await graph.close();
      await emulator.stop();
    },
  };
}
