/**
 * Where Graph is for this process: the real tenant (AZURE_* settings), or — with no AZURE_TENANT_ID —
 * the embedded emulator with the demo tenant, state kept under `<dataDir>/emulator`.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { Config } from '../../config.ts';
import type { Logger } from '../../logger.ts';
import type { IntegrationEndpoints } from '../../app/ports/graph.ts';
import type { GraphGateway } from '../../app/ports/graph.ts';
import { demoApp, demoSeed, demoGraphSettings } from './demo-tenant.ts';
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
  // Another housing365 process on this data directory already runs the demo emulator (start + a CLI
  // command, or serve + worker): use that one — two emulators on one state directory would diverge.
  const running = runningDemoEmulator(config.dataDir);
  if (running) {
    const graph = createGraphGateway({
      tenantId: running.tenantId,
      clientId: demoApp.clientId,
      clientSecret: demoApp.clientSecret,
      authorityHost: running.origin,
      graphBaseUrl: running.graphBaseUrl,
      caPem: running.caCertPem,
      transport: { onRetry, limiter: opts.limiter, onResponse: opts.onResponse },
    });
    return {
      graph,
      integration: { mode: 'demo', graphBaseUrl: running.graphBaseUrl, authority: running.authority, smtp: running.smtp },
      emulatorAdminUrl: `${running.origin}/_emulator`,
      staffSignIn: { issuer: `${running.authority}/v2.0`, clientId: demoApp.clientId, clientSecret: demoApp.clientSecret, caPem: running.caCertPem },
      stop: () => graph.close(),
    };
  }
  // Loaded only in demo mode: a real deployment never starts the emulator.
  const { startEmulator } = await import('../../../emulator/src/index.ts');
  const stateDir = path.join(config.dataDir, 'emulator');
  const emulator = await startOnSavedPorts(stateDir, logger, (ports) => startEmulator({ seed: demoSeed(), stateDir, quiet: true, notificationsAllowHttp: true, ...ports }));
  const endpointsFile = path.join(stateDir, 'endpoints.json');
  mkdirSync(stateDir, { recursive: true });
  writeFileSync(endpointsFile, JSON.stringify({ pid: process.pid, tenantId: emulator.tenantId, origin: emulator.origin, graphBaseUrl: emulator.graphBaseUrl, authority: emulator.authority, smtp: emulator.smtp, caCertPem: emulator.caCertPem } satisfies DemoEndpoints, null, 2));
  const graph = createGraphGateway(demoGraphSettings(emulator, { onRetry, limiter: opts.limiter, onResponse: opts.onResponse }));
  logger.info({ graphBaseUrl: emulator.graphBaseUrl, smtpPort: emulator.smtp.port }, 'demo mode: embedded Graph emulator started');
  return {
    graph,
    integration: { mode: 'demo', graphBaseUrl: emulator.graphBaseUrl, authority: emulator.authority, smtp: emulator.smtp },
    emulatorAdminUrl: emulator.adminUrl,
    staffSignIn: { issuer: `${emulator.authority}/v2.0`, clientId: demoApp.clientId, clientSecret: demoApp.clientSecret, caPem: emulator.caCertPem },
    async stop() {
      await graph.close();
      await emulator.stop();
      rmSync(endpointsFile, { force: true });
    },
  };
}

/** The demo emulator's ports, chosen on the first start and kept in the data directory. */
interface SavedPorts {
  graph: number;
  smtp: number;
}

/**
 * Starts the demo emulator on the ports it had before (`<dataDir>/emulator/ports.json`), so its
 * Graph URL, sign-in authority and SMTP door stay the same across restarts — what a user configured
 * an SMTP client with keeps working. The first start takes free ports and saves them. When a saved
 * port is taken by something else, this start uses free ones and says so; the saved ports are kept
 * for the next start. (Stored delta cursors do not depend on the port either: cursor-url.ts.)
 */
async function startOnSavedPorts<E extends { port: number; smtp: { port: number } }>(stateDir: string, logger: Logger, start: (ports: { port: number; smtpPort: number }) => Promise<E>): Promise<E> {
  const file = path.join(stateDir, 'ports.json');
  const saved = readSavedPorts(file);
  if (saved) {
    const taken: number[] = [];
    for (const p of [saved.graph, saved.smtp]) if (!(await portIsFree(p))) taken.push(p);
    if (taken.length === 0) {
      try {
        return await start({ port: saved.graph, smtpPort: saved.smtp });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
      }
    }
    const e = await start({ port: 0, smtpPort: 0 });
    logger.warn(
      { savedPorts: saved, graphPort: e.port, smtpPort: e.smtp.port, file },
      `demo emulator: saved port ${taken.join(', ') || `${saved.graph}/${saved.smtp}`} is in use by another program, so this start uses Graph port ${e.port} and SMTP port ${e.smtp.port}; the saved ports are tried again next start (free them, or delete ${file} to choose new ones)`,
    );
    return e;
  }
  const e = await start({ port: 0, smtpPort: 0 });
  mkdirSync(stateDir, { recursive: true });
  writeFileSync(file, JSON.stringify({ graph: e.port, smtp: e.smtp.port } satisfies SavedPorts, null, 2), { mode: 0o600 });
  return e;
}

function readSavedPorts(file: string): SavedPorts | undefined {
  try {
    const p = JSON.parse(readFileSync(file, 'utf8')) as Partial<SavedPorts>;
    const ok = (n: unknown): n is number => Number.isInteger(n) && (n as number) > 0 && (n as number) < 65536;
    return ok(p.graph) && ok(p.smtp) ? { graph: p.graph, smtp: p.smtp } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether 127.0.0.1:port can be bound now. Checked before starting, because an emulator whose SMTP
 * port turns out to be taken would leave its HTTPS server listening.
 */
function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

interface DemoEndpoints {
  pid: number;
  tenantId: string;
  origin: string;
  graphBaseUrl: string;
  authority: string;
  smtp: { host: string; port: number };
  caCertPem: string;
}

/** The demo emulator another live process runs on this data directory, if any. */
function runningDemoEmulator(dataDir: string): DemoEndpoints | undefined {
  const file = path.join(dataDir, 'emulator', 'endpoints.json');
  if (!existsSync(file)) return undefined;
  try {
    const e = JSON.parse(readFileSync(file, 'utf8')) as DemoEndpoints;
    if (e.pid === process.pid) return undefined;
    process.kill(e.pid, 0); // throws when no such process
    return e;
  } catch {
    return undefined;
  }
}
