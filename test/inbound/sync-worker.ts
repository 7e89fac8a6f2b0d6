// A stand-alone inbox sync process for the kill -9 test: syncs one inbox in a loop against the
// database and emulator named in its environment. Run with `node --import tsx`.
import { createDb } from '../../src/adapters/db/database.ts';
import { createGraphGateway } from '../../src/adapters/graph/index.ts';
import { syncInbox } from '../../src/app/inbound/sync-inbox.ts';
import { parseConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import type { AppContext } from '../../src/app/context.ts';

const env = process.env;
const { db } = createDb(env.DATABASE_URL!, { poolSize: 3 });
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
  config: { ...parseConfig({ HOUSING365_DATA_DIR: env.W_DATA_DIR! }), databaseUrl: env.DATABASE_URL },
  logger: createLogger({ level: 'silent', pretty: false }),
  licencePublicKeys: [],
  now: () => new Date(),
  graph,
};
console.log('worker ready');
for (;;) {
  await syncInbox(ctx, { code: env.W_INBOX!, mailbox: env.W_MAILBOX! }, { gateway: graph.mail, pageSize: 10 });
  await new Promise((r) => setTimeout(r, 100));
}
