import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createDb, type Db } from '../../src/adapters/db/database.ts';
import { buildServer } from '../../src/transport/http/server.ts';
import { createTestContext, createTestDatabase, type TestContext } from '../helpers/db.ts';

// /readyz must say which check fails: an unmigrated database, or no database at all.
let t: TestContext;
const cleanups: Array<() => Promise<unknown>> = [];

async function serve(db: Db): Promise<{ app: FastifyInstance; url: string }> {
  const app = await buildServer({ ...t.ctx, db });
  await app.listen({ port: 0, host: '127.0.0.1' });
  cleanups.push(() => app.close());
  const address = app.server.address();
  return { app, url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` };
}

beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  await t?.cleanup();
});

describe('/readyz', () => {
  it('is 503 and lists the pending migrations on an unmigrated database, while /healthz stays 200', async () => {
    const empty = await createTestDatabase();
    const { db } = createDb(empty.url, { poolSize: 2 });
    cleanups.push(() => empty.drop(), () => db.destroy());
    const { url } = await serve(db);
    const res = await fetch(`${url}/readyz`);
    expect(res.status).toBe(503);
    const body = await res.json();
    expect(body.status).toBe('not ready');
    expect(body.checks.database).toBe('ok');
    expect(body.checks.migrations).toBe('pending');
    expect(body.checks.pending.length).toBeGreaterThan(0);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });

  it('is 503 naming the database when it cannot be reached', async () => {
    // Port 1 on loopback: nothing listens there, so the connection is refused at once.
    const { db } = createDb('postgres://nobody@127.0.0.1:1/none', { poolSize: 1 });
    cleanups.push(() => db.destroy());
    const { url } = await serve(db);
    const res = await fetch(`${url}/readyz`);
    expect(res.status).toBe(503);
    expect((await res.json()).checks).toEqual({ database: 'unreachable', migrations: 'unknown' });
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });
});
