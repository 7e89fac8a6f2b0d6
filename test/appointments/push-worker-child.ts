// A calendar push worker in a process of its own, for the "worker killed mid-push" test: it drains
// the outbox against the database and emulator named in its environment until it is killed.
import { createDb } from '../../src/adapters/db/database.ts';
import { createGraphGateway } from '../../src/adapters/graph/index.ts';
import { drainCalendarOutbox } from '../../src/app/appointments/calendar-push.ts';
import { parseConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import type { AppContext } from '../../src/app/context.ts';

const env = JSON.parse(process.env.PUSH_CHILD ?? '{}') as { databaseUrl: string; licencePublicKeys: string[]; graph: Parameters<typeof createGraphGateway>[0] };
const { db } = createDb(env.databaseUrl, { poolSize: 2 });
const gateway = createGraphGateway(env.graph);
const ctx: AppContext = {
  db,
  config: { ...parseConfig({ HOUSING365_DATA_DIR: '/tmp/h365-unused' }), databaseUrl: env.databaseUrl },
  logger: createLogger({ level: 'silent', pretty: false }),
  licencePublicKeys: env.licencePublicKeys,
  now: () => new Date(),
};
process.stdout.write('ready\n');
await drainCalendarOutbox(ctx, { gateway: gateway.calendar });
process.stdout.write('drained\n');
