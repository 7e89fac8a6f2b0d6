// One `housing365 worker` stand-in for P4: the calendar-sync jobs only, with the shared Graph slots,
// against the parent's database and emulator. Prints "ready", then works until killed, printing its
// Graph request count every 200 ms.
import PgBoss from 'pg-boss';
import { createDb } from '../src/adapters/db/database.ts';
import { createSlotDb } from '../src/adapters/db/mailbox-slots.ts';
import { createGraphGateway } from '../src/adapters/graph/index.ts';
import { MailboxSlots } from '../src/adapters/graph/mailbox-slots.ts';
import { demoApp } from '../src/adapters/graph/demo-tenant.ts';
import { parseConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import type { AppContext } from '../src/app/context.ts';
import { calendarPollJobs } from '../src/transport/jobs/calendar-poll.ts';

const env = process.env;
const { db } = createDb(env.DATABASE_URL!, { poolSize: 10 }); // the worker's default (HOUSING365_DB_POOL_SIZE)
const slotDb = createSlotDb(env.DATABASE_URL!);
const graph = createGraphGateway({
  tenantId: env.EMU_TENANT!,
  clientId: demoApp.clientId,
  clientSecret: demoApp.clientSecret,
  authorityHost: env.EMU_ORIGIN!,
  graphBaseUrl: env.EMU_GRAPH!,
  caPem: env.EMU_CA!,
  transport: env.P4_NO_SLOTS ? {} : { limiter: new MailboxSlots(slotDb.db) },
});
const ctx: AppContext = {
  db,
  config: { ...parseConfig({ HOUSING365_DATA_DIR: '/tmp/h365-unused' }), databaseUrl: env.DATABASE_URL },
  logger: createLogger({ level: 'silent', pretty: false }),
  licencePublicKeys: JSON.parse(env.LICENCE_KEYS!),
  now: () => new Date(),
  graph,
};
const boss = new PgBoss({ connectionString: env.DATABASE_URL!, schema: 'pgboss', max: 4, schedule: false, supervise: false });
boss.on('error', () => {});
await boss.start();
ctx.boss = boss;
await calendarPollJobs.register(boss, ctx);
await graph.checkToken();
process.stdout.write('ready\n');
// The Graph requests this process has made, for the parent's share-per-worker figure.
setInterval(() => process.stdout.write(`requests ${graph.stats.requests}\n`), 200).unref();
// SIGTERM (P4_PROF runs): exit at once, so `--cpu-prof` writes its profile.
process.on('SIGTERM', () => process.exit(0));
