import { afterAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/app/users.ts';
import { buildServer } from '../../src/transport/http/server.ts';
import { createTestContext, type TestContext } from '../helpers/db.ts';
import { WebClient } from './web-client.ts';

// Behind a reverse proxy every request comes from the proxy's address. With HOUSING365_TRUST_PROXY
// naming the proxy, the client's own address (X-Forwarded-For) is what the sign-in lockout counts and
// the audit trail records; without it, a forged X-Forwarded-For is ignored.

const opened: Array<{ t: TestContext; close(): Promise<unknown> }> = [];
afterAll(async () => {
  for (const o of opened) {
    await o.close();
    await o.t.cleanup();
  }
});

async function start(trustProxy?: string) {
  const t = await createTestContext({ trustProxy });
  await createUser(t.ctx, { username: 'setup' }, { username: 'alice', displayName: 'Alice', role: 'admin', password: 'alice password here' });
  const app = await buildServer(t.ctx);
  await app.listen({ port: 0, host: '127.0.0.1' });
  opened.push({ t, close: () => app.close() });
  return { t, base: `http://127.0.0.1:${(app.server.address() as { port: number }).port}` };
}

async function failedSignInFrom(base: string, forwardedFor: string) {
  const c = new WebClient(base);
  const token = await c.csrfFrom('/sign-in');
  await c.request('POST', '/sign-in', {
    body: new URLSearchParams({ _csrf: token, username: 'alice', password: 'wrong' }).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': forwardedFor, 'x-forwarded-proto': 'https' },
  });
}

const lastSourceIp = async (t: TestContext) =>
  (await t.ctx.db.selectFrom('audit_events').select('source_ip').where('action', '=', 'signin.failed').orderBy('id', 'desc').executeTakeFirstOrThrow()).source_ip;

describe('behind a reverse proxy', () => {
  it('records the client address from X-Forwarded-For when the proxy is trusted', async () => {
    const { t, base } = await start('127.0.0.1');
    await failedSignInFrom(base, '203.0.113.9');
    expect(await lastSourceIp(t)).toBe('203.0.113.9');
  });

  it('ignores X-Forwarded-For from anyone when no proxy is trusted', async () => {
    const { t, base } = await start();
    await failedSignInFrom(base, '203.0.113.9');
    expect(await lastSourceIp(t)).toBe('127.0.0.1');
  });

  it('sends HSTS when the trusted proxy says the request came over https, and not over plain http', async () => {
    const { base } = await start('127.0.0.1');
    const https = await fetch(`${base}/sign-in`, { headers: { 'x-forwarded-proto': 'https' } });
    expect(https.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
    expect((await fetch(`${base}/sign-in`)).headers.get('strict-transport-security')).toBeNull();
    const untrusted = await start();
    expect((await fetch(`${untrusted.base}/sign-in`, { headers: { 'x-forwarded-proto': 'https' } })).headers.get('strict-transport-security')).toBeNull();
  });
});
