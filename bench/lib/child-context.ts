/**
 * The measured child of a P5 bench builds its own application context and Graph client against the
 * parent's database and emulator. The modules are imported here, inside the child, not by the parent.
 */
import type { AppContext } from '../../src/app/context.ts';

export interface ChildWorld {
  databaseUrl: string;
  dataDir: string;
  licencePublicKeys?: string[];
  emulator: { tenantId: string; origin: string; graphBaseUrl: string; caPem: string };
  clientId: string;
  clientSecret: string;
}

export async function openChildContext(w: ChildWorld, env: Record<string, string> = {}) {
  const { createDb } = await import('../../src/adapters/db/database.ts');
  const { createGraphGateway } = await import('../../src/adapters/graph/index.ts');
  const { parseConfig } = await import('../../src/config.ts');
  const { createLogger } = await import('../../src/logger.ts');
  const { db } = createDb(w.databaseUrl, { poolSize: 4 });
  const gateway = createGraphGateway({ tenantId: w.emulator.tenantId, clientId: w.clientId, clientSecret: w.clientSecret, authorityHost: w.emulator.origin, graphBaseUrl: w.emulator.graphBaseUrl, caPem: w.emulator.caPem });
  const ctx = {
    db,
    config: { ...parseConfig({ HOUSING365_DATA_DIR: w.dataDir, ...env }), databaseUrl: w.databaseUrl },
    logger: createLogger({ level: 'silent', pretty: false }),
    licencePublicKeys: w.licencePublicKeys ?? [],
    now: () => new Date(),
    graph: gateway,
  } as unknown as AppContext;
  return {
    db,
    gateway,
    ctx,
    async close() {
      await gateway.close();
      await db.destroy();
    },
  };
}
