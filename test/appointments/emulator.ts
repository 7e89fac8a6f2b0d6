// An emulator with the demo tenant, a Graph gateway trusting its CA, admin helpers, and a housing365
// context with the licence and the parameters that let outbound appointments run.
import { fetch } from 'undici';
import { startEmulator, type Emulator } from '../../emulator/src/index.ts';
import { createDispatcher, createGraphGateway } from '../../src/adapters/graph/index.ts';
import { demoSeed, demoGraphSettings } from '../../src/adapters/graph/demo-tenant.ts';
import { installLicence } from '../../src/app/licence.ts';
import { setParameter } from '../../src/app/parameters.ts';
import { createTestContext, testLicence, type TestContext } from '../helpers/db.ts';

export { demoMailboxes, demoDomain } from '../../src/adapters/graph/demo-tenant.ts';

/** The parts of the emulator's stored event the tests look at (live events only, no tombstones). */
export interface StoredEventView {
  id: string;
  subject: string;
  startMs: number;
  endMs: number;
  originalStartTimeZone: string;
  transactionId: string | null;
  location: { displayName?: string };
  body: { content: string };
  singleValueExtendedProperties: Array<{ id: string; value: string }>;
}

export interface PushWorld {
  t: TestContext;
  emulator: Emulator;
  gateway: ReturnType<typeof createGraphGateway>;
  admin<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  /** Events in a mailbox's calendar as the emulator stores them (no Graph call, so no request counted). */
  events(mailbox: string): StoredEventView[];
  stop(): Promise<void>;
}

export async function startPushWorld(opts: { latencyMs?: number } = {}): Promise<PushWorld> {
  const t = await createTestContext();
  const emulator = await startEmulator({ seed: demoSeed(), smtpPort: false, quiet: true, notificationsAllowHttp: true });
  const dispatcher = createDispatcher(emulator.caCertPem);
  const gateway = createGraphGateway(demoGraphSettings(emulator, { baseBackoffMs: 20, maxBackoffMs: 200, timeoutMs: 5_000 }));
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
  if (opts.latencyMs) await admin('POST', '/faults', { kind: 'latency', latencyMs: opts.latencyMs, routePattern: '/v1\\.0/users/.*/events' });
  const actor = { username: 'admin' };
  await installLicence(t.ctx, actor, testLicence(t.licencePrivateKey));
  await setParameter(t.ctx, actor, 'INBOX_SERVER', 'housingorganisation.co.uk');
  await setParameter(t.ctx, actor, 'OUTLOOK365', 'Y');
  await setParameter(t.ctx, actor, 'APPTOUT_OUTLOOK365', 'Y');
  await setParameter(t.ctx, actor, 'OUTLOOK365_TIMEZONE', 'GMT Standard Time');
  return {
    t,
    emulator,
    gateway,
    admin,
    events(mailbox) {
      const user = Object.values(emulator.state.users).find((u) => u.userPrincipalName.toLowerCase() === mailbox.toLowerCase());
      const cal = user?.calendar as { events: Record<string, any> } | undefined;
      return Object.values(cal?.events ?? {}).filter((e) => !e.deleted);
    },
    async stop() {
      await gateway.close();
      await dispatcher?.close();
      await emulator.stop();
      await t.cleanup();
    },
  };
}
