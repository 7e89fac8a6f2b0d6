// A separate OS process for R1: syncs one inbox again and again (10 messages a page, so the cursor
// moves in many small commits) until it is killed — by kill -9 in the test.
import { createDb } from '../../src/adapters/db/database.ts';
import { createGraphGateway } from '../../src/adapters/graph/index.ts';
import { demoApp } from '../../src/adapters/graph/demo-tenant.ts';
import { parseConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import type { AppContext } from '../../src/app/context.ts';
import { configuredInboxes } from '../../src/app/inbound/poll-inboxes.ts';
import { syncInbox } from '../../src/app/inbound/sync-inbox.ts';

const env = process.env;
const { db } = createDb(env.DATABASE_URL!, { poolSize: 3 });
const graph = createGraphGateway({
  tenantId: env.EMU_TENANT!,
  clientId: demoApp.clientId,
  clientSecret: demoApp.clientSecret,
  authorityHost: env.EMU_ORIGIN!,
  graphBaseUrl: env.EMU_GRAPH!,
  caPem: env.EMU_CA!,
  transport: { baseBackoffMs: 10, maxBackoffMs: 100 },
});
const ctx: AppContext = {
  db,
  config: { ...parseConfig({ HOUSING365_DATA_DIR: env.DATA_DIR ?? '/tmp/h365-unused' }), databaseUrl: env.DATABASE_URL },
  logger: createLogger({ level: 'silent', pretty: false }),
  licencePublicKeys: JSON.parse(env.LICENCE_KEYS!),
  now: () => new Date(),
  graph,
};
const inbox = (await configuredInboxes(ctx)).inboxes.find((i) => i.code === 'ASB')!;
for (;;) {
  const r = await syncInbox(ctx, inbox, { gateway: graph.mail, pageSize: 10 });
  process.stdout.write(`${JSON.stringify({ imported: r.imported, ok: r.ok, skipped: r.skipped ?? null })}\n`);
  await new Promise((res) => setTimeout(res, 50));
}
