/**
 * Embedding entry point: `startEmulator(options)` → URLs, CA, admin URL, live state and `stop()`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock, EmulatorState, ModuleRegister } from './contracts.ts';
import { Core } from './core.ts';
import { registerAdminRoutes } from './admin/routes.ts';
import type { MailLimits } from './mail/limits.ts';
import { registerMailRoutes } from './mail/routes.ts';
import { createServer } from './server.ts';
import { createSmtpServer } from './smtp.ts';
import { readSeed, type Seed } from './state.ts';
import type { ThrottleOptions } from './throttle.ts';
import { loadOrCreateSigningKey, loadOrCreateTls } from './tls.ts';

export type { Seed } from './state.ts';
export type * from './contracts.ts';
export { GraphError } from './contracts.ts';

export interface EmulatorOptions {
  seed?: Seed | string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** 0 (default) picks a free port; `false` disables the SMTP door. */
  smtpPort?: number | false;
  /** Persist state, CA and keys here (reloaded on the next start). */
  stateDir?: string;
  /** Interface to listen on (default 127.0.0.1). URLs always say `localhost`. */
  host?: string;
  throttle?: Partial<ThrottleOptions>;
  /** Let subscriptions use http:// notification URLs (real Graph requires https). */
  notificationsAllowHttp?: boolean;
  /** Silence stderr logging. */
  quiet?: boolean;
  /** Exchange's limits on outbound mail: message size (35 MB), upload session minimum, Sent Items delay (mail/limits.ts). */
  mailLimits?: Partial<MailLimits>;
}

export interface Emulator {
  graphBaseUrl: string;
  authority: string;
  tenantId: string;
  origin: string;
  caCertPath: string;
  caCertPem: string;
  smtp: { host: string; port: number };
  adminUrl: string;
  port: number;
  /** The live state (replaced on admin reset/seed: read it through this getter). */
  readonly state: EmulatorState;
  clock: Clock;
  /** Internal handle for tests and tools in this package. */
  core: Core;
  stop(): Promise<void>;
}

const defaultSeed: Seed = {
  tenant: { domain: 'contoso.onmicrosoft.com' },
  users: [{ userPrincipalName: 'admin@contoso.onmicrosoft.com', displayName: 'Admin' }],
  apps: [],
};

async function loadModule(core: Core, path: string): Promise<void> {
  let mod: { register?: ModuleRegister };
  try {
    mod = await import(path);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' && String((e as Error).message).includes(path.replace(/^\.\//, ''))) return; // module not written yet
    throw e;
  }
  if (typeof mod.register === 'function') await mod.register(core.host);
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const seed = readSeed(options.seed ?? defaultSeed);
  let tempDir: string | undefined;
  const keyDir = options.stateDir ?? (tempDir = mkdtempSync(join(tmpdir(), 'graph-emulator-')));
  const tls = loadOrCreateTls(keyDir);
  const signingKeyPem = loadOrCreateSigningKey(keyDir);
  const host = options.host ?? '127.0.0.1';

  // eslint-disable-next-line prefer-const -- assigned once the server listens, read by the closure before
  let core!: Core;
  // the server must listen before the core exists: `--port 0` decides the origin the core needs
  const { server, hung } = createServer(() => core, tls);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const origin = `https://localhost:${port}`;
  core = new Core({ seed, stateDir: options.stateDir, throttle: options.throttle, notificationsAllowHttp: options.notificationsAllowHttp, signingKeyPem, origin, quiet: options.quiet, attachmentDir: join(keyDir, 'attachments'), mailLimits: options.mailLimits });

  registerMailRoutes(core);
  registerAdminRoutes(core);
  await loadModule(core, './calendar/routes.ts');
  await loadModule(core, './subscriptions/routes.ts');
  core.announceState(core.freshLoad);
  if (core.freshLoad) core.markDirty();

  let smtpPort = 0;
  const smtp = options.smtpPort === false ? undefined : createSmtpServer(core);
  if (smtp) {
    await new Promise<void>((resolve, reject) => {
      smtp.server.once('error', reject);
      smtp.listen(options.smtpPort || 0, '127.0.0.1', () => resolve());
    });
    smtpPort = (smtp.server.address() as AddressInfo).port;
    smtp.on('error', (e) => core.log(`smtp error: ${e.message}`));
  }

  let stopped = false;
  const emulator: Emulator = {
    graphBaseUrl: core.graphBaseUrl,
    authority: `${origin}/${core.state.tenant.id}`,
    tenantId: core.state.tenant.id,
    origin,
    caCertPath: tls.caCertPath,
    caCertPem: tls.caCertPem,
    smtp: { host: '127.0.0.1', port: smtpPort },
    adminUrl: `${origin}/_emulator`,
    port,
    get state() {
      return core.state;
    },
    clock: core.clock,
    core,
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const t of core.pendingSends) clearTimeout(t);
      core.pendingSends.clear();
      core.saveNow();
      for (const s of hung) s.destroy();
      await Promise.all([
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
        smtp ? new Promise<void>((resolve) => smtp.close(() => resolve())) : Promise.resolve(),
      ]);
      core.saveNow();
      if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    },
  };
  return emulator;
}
