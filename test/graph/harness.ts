/**
 * An emulator per test file with the demo tenant, a housing365 Graph gateway trusting its CA, and
 * small admin helpers (act as a mailbox owner, inject faults, read what arrived).
 */
import { startEmulator, type Emulator } from '../../emulator/src/index.ts';
import { createGraphGateway, type GraphSettings } from '../../src/adapters/graph/index.ts';
import { demoSeed, demoGraphSettings } from '../../src/adapters/graph/demo-tenant.ts';
import { createDispatcher } from '../../src/adapters/graph/index.ts';
import { fetch } from 'undici';

export { demoMailboxes, demoDomain } from '../../src/adapters/graph/demo-tenant.ts';

export interface Harness {
  emulator: Emulator;
  settings: GraphSettings;
  gateway(overrides?: Partial<GraphSettings>): ReturnType<typeof createGraphGateway>;
  admin<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  /** Messages in a mailbox folder (as the emulator stores them). */
  messages(mailbox: string, folder?: string): Promise<{ subject: string; isDraft: boolean; attachments?: { name: string; size: number }[]; singleValueExtendedProperties?: { id: string; value: string }[] }[]>;
  stop(): Promise<void>;
}

export async function startHarness(seed: ReturnType<typeof demoSeed> = demoSeed()): Promise<Harness> {
  const emulator = await startEmulator({ seed, smtpPort: false, quiet: true, notificationsAllowHttp: true });
  const dispatcher = createDispatcher(emulator.caCertPem);
  const settings: GraphSettings = demoGraphSettings(emulator, { baseBackoffMs: 20, maxBackoffMs: 200 });
  const gateways: ReturnType<typeof createGraphGateway>[] = [];
  const admin = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${emulator.adminUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      dispatcher,
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  return {
    emulator,
    settings,
    gateway(overrides = {}) {
      const g = createGraphGateway({ ...settings, ...overrides, transport: { ...settings.transport, ...overrides.transport } });
      gateways.push(g);
      return g;
    },
    admin,
    async messages(mailbox, folder = 'inbox') {
      const user = Object.values(emulator.state.users).find((u) => u.userPrincipalName.toLowerCase() === mailbox.toLowerCase());
      if (!user) throw new Error(`no mailbox ${mailbox}`);
      const f = Object.values(user.mailbox.folders).find((x) => x.wellKnownName === folder || x.id === folder);
      return Object.values(user.mailbox.messages).filter((m) => m.folderId === f?.id) as any;
    },
    async stop() {
      for (const g of gateways) await g.close();
      await dispatcher?.close();
      await emulator.stop();
    },
  };
}
