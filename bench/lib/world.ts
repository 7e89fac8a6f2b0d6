/**
 * The set-up every inbound bench shares: a database of its own (DATABASE_URL's server, else an
 * embedded one in a temporary folder), migrated; the Graph emulator with the demo tenant; a Graph
 * gateway to it; an application context with a valid licence; and `close()` that undoes all of it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { fetch } from 'undici';
import { startEmulator, type Emulator } from '../../emulator/src/index.ts';
import { createDispatcher, createGraphGateway } from '../../src/adapters/graph/index.ts';
import { demoGraphSettings, demoSeed } from '../../src/adapters/graph/demo-tenant.ts';
import { createDb, migrateToLatest, type Db } from '../../src/adapters/db/database.ts';
import { openEmbedded } from '../../src/adapters/db/embedded.ts';
import { parseConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import type { Actor, AppContext } from '../../src/app/context.ts';
import { generateLicenceKeyPair, issueLicence } from '../../src/domain/licence/licence.ts';
import { installLicence } from '../../src/app/licence.ts';

export interface BenchWorld {
  work: string;
  db: Db;
  databaseUrl: string;
  /** The bench database's name (unique per run; e.g. to find its PostgreSQL backends). */
  dbName: string;
  emulator: Emulator;
  gateway: ReturnType<typeof createGraphGateway>;
  ctx: AppContext;
  actor: Actor;
  /** Calls the emulator's admin API; throws on a non-2xx answer; returns the JSON answer, if any. */
  emu(method: string, path: string, body?: unknown): Promise<unknown>;
  close(): Promise<void>;
}

export interface BenchWorldOptions {
  poolSize: number;
  /** Mailboxes the emulator holds besides the demo tenant's (e.g. 1,000 officers' calendars). */
  users?: string[];
  /** Licensed features (default OUTLOOK365 and TASK_MANAGER). */
  features?: string[];
}

export async function openBenchWorld(name: string, opts: BenchWorldOptions): Promise<BenchWorld> {
  const work = mkdtempSync(join(tmpdir(), `h365-${name}-`));
  const embedded = process.env.DATABASE_URL ? undefined : await openEmbedded(join(work, 'var'), { own: true });
  const serverUrl = process.env.DATABASE_URL ?? embedded!.superuserUrl;
  const dbName = `h365_${name.replace(/\W/g, '_')}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${dbName}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${dbName}`;
  const { db } = createDb(url.toString(), { poolSize: opts.poolSize });
  await migrateToLatest(db);

  const seed = demoSeed();
  const users = (opts.users ?? []).map((u) => ({ userPrincipalName: u, displayName: u.split('@')[0] }));
  const emulator = await startEmulator({ seed: { ...seed, users: [...seed.users, ...users] }, smtpPort: false, quiet: true, notificationsAllowHttp: true });
  const gateway = createGraphGateway(demoGraphSettings(emulator));
  const dispatcher = createDispatcher(emulator.caCertPem);
  const emu = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(`${emulator.adminUrl}${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body), dispatcher });
    if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
    return r.json().catch(() => undefined);
  };

  const pair = generateLicenceKeyPair();
  const ctx: AppContext = {
    db,
    config: { ...parseConfig({ HOUSING365_DATA_DIR: work }), databaseUrl: url.toString() },
    logger: createLogger({ level: 'silent', pretty: false }),
    licencePublicKeys: [pair.publicKeyPem],
    now: () => new Date(),
    graph: gateway,
  };
  const actor = { username: 'bench' };
  await installLicence(ctx, actor, issueLicence(pair.privateKeyPem, { customer: 'Bench', features: opts.features ?? ['OUTLOOK365', 'TASK_MANAGER'], expiresAt: new Date(Date.now() + 86400_000) }));

  return {
    work,
    db,
    databaseUrl: url.toString(),
    dbName,
    emulator,
    gateway,
    ctx,
    actor,
    emu,
    async close() {
      await gateway.close();
      await dispatcher?.close();
      await emulator.stop();
      await db.destroy();
      const drop = new pg.Client({ connectionString: serverUrl });
      await drop.connect();
      await drop.query(`drop database if exists ${dbName} with (force)`);
      await drop.end();
      await embedded?.stop();
      rmSync(work, { recursive: true, force: true });
    },
  };
}
