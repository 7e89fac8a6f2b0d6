// A stand-alone outbox worker process for the kill -9 test: drains the outbox in a loop against the
// database and emulator named in its environment. Run with `node --import tsx`.
import { createDb } from '../../src/adapters/db/database.ts';
import { createGraphGateway } from '../../src/adapters/graph/index.ts';
import { drainOutbox } from '../../src/app/email/send-outbox.ts';
import { parseConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import type { AppContext } from '../../src/app/context.ts';

const env = process.env;
const { db } = createDb(env.DATABASE_URL!, { poolSize: 2 });
const graph = createGraphGateway({
  tenantId: env.W_TENANT!,
  clientId: env.W_CLIENT_ID!,
  clientSecret: env.W_CLIENT_SECRET!,
  authorityHost: env.W_AUTHORITY_HOST!,
  graphBaseUrl: env.W_GRAPH_BASE!,
  caPem: env.W_CA_PEM!,
});
const ctx: AppContext = {
  db,
  config: { ...parseConfig({ HOUSING365_DATA_DIR: '/tmp/h365-unused' }), databaseUrl: env.DATABASE_URL },
  logger: createLogger({ level: 'silent', pretty: false }),
  licencePublicKeys: JSON.parse(env.W_LICENCE_KEYS!),
  now: () => new Date(),
  graph,
};
console.log('worker ready');
for (;;) {
  await drainOutbox(ctx, { perMinute: 1000, leaseMs: Number(env.W_LEASE_MS ?? 120_000) });
  await new Promise((r) => setTimeout(r, 100));
}
