import { switchOnDemoFlows } from './app/demo-switches.ts';
import type { FastifyInstance } from 'fastify';
import PgBoss from 'pg-boss';
import { createDb, migrateToLatest, type Db } from './adapters/db/database.ts';
import { SqlSandbox } from './adapters/db/sql-sandbox.ts';
import { openEmbedded, type EmbeddedInfo } from './adapters/db/embedded.ts';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';
import type { AppContext } from './app/context.ts';
import { configuredLicenceKeys, demoLicenceKey, ensureDemoLicence } from './app/licence.ts';
import { ensureFirstAdmin } from './app/bootstrap.ts';
import { registerJobs } from './transport/jobs/registry.ts';
import { stopPollScheduler } from './transport/jobs/poll-scheduler.ts';
import { SUBSCRIPTIONS_TICK } from './transport/jobs/subscriptions.ts';
import { loopbackUrl, readWebAddress, saveWebAddress } from './adapters/web-address.ts';
import { connectGraph, type GraphConnection } from './adapters/graph/connect.ts';
import { applyDemoDefaults } from './app/email/demo-defaults.ts';
import { applyAppointmentDemoDefaults } from './app/appointments/demo-defaults.ts';
import { applyTaskManagerDemoDefaults } from './app/tasks/demo-defaults.ts';
import { createSlotDb } from './adapters/db/mailbox-slots.ts';
import { MailboxSlots } from './adapters/graph/mailbox-slots.ts';
import { recordGraphResponse, recordGraphRetry, registerDatabaseGauges, startMailboxStatsFlush } from './transport/http/metrics-realtime.ts';

export interface DatabaseHandle {
  db: Db;
  url: string;
  embedded?: EmbeddedInfo;
  close(): Promise<void>;
}

/**
 * DATABASE_URL when set; otherwise the embedded PostgreSQL under the data directory — the one already
 * running (another housing365 process) or a new one. `own` means this process is the long-running owner
 * (`housing365 start`); a CLI command that had to start the server stops it again when it is done.
 */
export async function openDatabase(config: Config, logger: Logger, opts: { own: boolean; poolSize?: number; applicationName?: string }): Promise<DatabaseHandle> {
  let embedded: EmbeddedInfo | undefined;
  let url = config.databaseUrl;
  if (!url) {
    embedded = await openEmbedded(config.dataDir, { own: opts.own, log: (m) => logger.info(m) });
    url = embedded.url;
  }
  const { db } = createDb(url, { poolSize: opts.poolSize ?? config.dbPoolSize, applicationName: opts.applicationName });
  return {
    db,
    url,
    embedded,
    async close() {
      await db.destroy().catch(() => {});
      await embedded?.stop();
    },
  };
}

export async function buildContext(config: Config, logger: Logger, db: Db, database?: Pick<DatabaseHandle, 'url' | 'embedded'>): Promise<AppContext & { demoPrivateKey?: string }> {
  const keys = await configuredLicenceKeys(config.licencePublicKey);
  let demoPrivateKey: string | undefined;
  if (config.demoMode) {
    const pair = await demoLicenceKey(config.dataDir);
    keys.push(pair.publicKeyPem);
    demoPrivateKey = pair.privateKeyPem;
  }
  // Admins' event queries log in as a role of their own (issue 13 §1; adapters/db/sql-sandbox.ts).
  const sqlSandbox = new SqlSandbox(db, config.eventQueryDatabaseUrl
    ? { loginUrl: config.eventQueryDatabaseUrl, loginSource: 'configured' }
    : database?.embedded ? { loginUrl: database.embedded.eventQueryUrl, loginSource: 'embedded' } : { appUrl: database?.url ?? config.databaseUrl });
  return { db, config, logger, licencePublicKeys: keys, now: () => new Date(), demoPrivateKey, sqlSandbox };
}

export interface RunningSystem {
  ctx: AppContext;
  url: string;
  stop(): Promise<void>;
}

/**
 * What this process runs: `start` both, `serve` the web UI, API and webhooks, `worker` the jobs. Any
 * number of each share one PostgreSQL (docs/deploying.md).
 */
export interface Roles {
  web: boolean;
  jobs: boolean;
  /** pg-boss connections (jobs); default 4. */
  jobPoolSize?: number;
}

/** `housing365 start`: database, migrations, first admin, web server and job runner in one process. */
export async function startSystem(config: Config, logger: Logger, say: (line: string) => void = console.log, roles: Roles = { web: true, jobs: true }): Promise<RunningSystem> {
  const handle = await openDatabase(config, logger, { own: true });
  // Graph's 4-requests-per-mailbox limit, held across every process on this database.
  const slotDb = createSlotDb(handle.url);
  const slots = new MailboxSlots(slotDb.db, { onError: (err) => logger.warn({ err }, 'mailbox slot table unavailable') });
  const stopStatsFlush = startMailboxStatsFlush(handle);
  let http: FastifyInstance | undefined;
  let boss: PgBoss | undefined;
  let graph: GraphConnection | undefined;
  let forgetWebAddress: (() => void) | undefined;
  const stop = async () => {
    // Order matters: stop taking requests (and drain them), stop jobs, then close the database.
    await http?.close().catch((err) => logger.error({ err }, 'closing HTTP failed'));
    forgetWebAddress?.();
    if (boss) await stopPollScheduler(boss);
    await boss?.stop({ graceful: true, timeout: 5000, close: true }).catch((err) => logger.error({ err }, 'stopping jobs failed'));
    await graph?.stop().catch((err) => logger.error({ err }, 'stopping Graph failed'));
    await stopStatsFlush();
    await slots.close();
    await slotDb.close();
    await handle.close();
  };
  try {
    const { applied } = await migrateToLatest(handle.db);
    if (applied.length) logger.info({ applied }, 'migrations applied');
    const ctx = await buildContext(config, logger, handle.db, handle);
    const sandbox = await ctx.sqlSandbox!.status();
    if (!sandbox.ok) logger.warn({ problem: sandbox.problem }, 'event queries cannot run');
    // Graph: the tenant from AZURE_*, or the embedded emulator with the demo tenant (demo mode).
    graph = await connectGraph(config, logger, { limiter: slots, onResponse: recordGraphResponse, onRetry: recordGraphRetry });
    ctx.graph = graph.graph;
    ctx.integration = graph.integration;
    ctx.staffSignIn = graph.staffSignIn;
    // Demo mode without PUBLIC_BASE_URL: the emulator notifies the local web server (issue 18 §4).
    if (config.demoMode) ctx.demoWebBase = () => readWebAddress(config.dataDir);
    const demoDefaults = config.demoMode ? [...(await applyDemoDefaults(ctx)), ...(await applyAppointmentDemoDefaults(ctx)), ...(await applyTaskManagerDemoDefaults(ctx)), ...(await switchOnDemoFlows(ctx))] : [];
    if (ctx.demoPrivateKey) await ensureDemoLicence(ctx, ctx.demoPrivateKey);
    // Only a web process makes the first admin: its one-time password is printed with the web address.
    const admin = roles.web ? await ensureFirstAdmin(ctx) : { created: false, password: undefined };

    // A web-only process still sends jobs (webhooks, run-now) but neither works them nor runs maintenance.
    boss = new PgBoss({ connectionString: handle.url, schema: 'pgboss', max: roles.jobPoolSize ?? 4, application_name: roles.jobs ? 'housing365-jobs' : 'housing365-web', supervise: roles.jobs, schedule: roles.jobs });
    boss.on('error', (err) => logger.error({ err }, 'job queue error'));
    await boss.start();
    ctx.boss = boss;
    if (roles.jobs) await registerJobs(boss, ctx);
    if (!roles.web) {
      say(`housing365 worker running (pid ${process.pid}): jobs from ${handle.embedded ? 'the embedded PostgreSQL' : 'DATABASE_URL'}`);
      return { ctx, url: '', stop };
    }

    const { buildServer } = await import('./transport/http/server.ts');
    const server = await buildServer(ctx);
    registerDatabaseGauges(ctx);
    http = server;
    const address = await server.listen({ port: config.port, host: config.host });
    const port = new URL(address).port;
    const url = `http://localhost:${port}`;
    if (config.demoMode) {
      forgetWebAddress = saveWebAddress(config.dataDir, loopbackUrl(config.host, port));
      // Subscribe now that the webhook has an address, rather than at the next minute's tick.
      if (!config.publicBaseUrl) await boss.send(SUBSCRIPTIONS_TICK, {}).catch((err) => logger.debug({ err }, 'subscriptions tick not queued'));
    }
    say(`housing365 is running at ${url}`);
    say(`  database: ${handle.embedded ? `embedded PostgreSQL (data in ${config.dataDir})` : 'DATABASE_URL'}`);
    if (config.demoMode) {
      say('  demo mode: no AZURE_TENANT_ID set, so Outlook 365 is the built-in emulator with a demo licence');
      say(`  emulator: Graph ${graph.integration.graphBaseUrl}, sign-in ${graph.integration.authority}, SMTP ${graph.integration.smtp?.host}:${graph.integration.smtp?.port} (deliver test mail to asb@ / complaints@housingorganisation.co.uk)`);
      if (demoDefaults.length) say(`  demo defaults set (they were empty): ${demoDefaults.join(', ')}`);
    } else {
      say(`  Microsoft 365: tenant ${config.azure.tenantId} through ${config.azure.graphBaseUrl}`);
    }
    if (admin.created) {
      say(admin.password
        ? `  sign in as "admin" with the one-time password ${admin.password} (you will be asked to change it)`
        : '  sign in as "admin" with the password in HOUSING365_ADMIN_PASSWORD');
    } else {
      say('  sign in with your housing365 account (lost the admin password? `housing365 users reset-password admin`)');
    }
    return { ctx, url, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
