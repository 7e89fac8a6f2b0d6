import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../../src/app/auth.ts';
import { createUser } from '../../src/app/users.ts';
import { createLogger } from '../../src/logger.ts';
import { buildServer } from '../../src/transport/http/server.ts';
import { createTestContext, type TestContext } from '../helpers/db.ts';
import { WebClient } from './web-client.ts';

// Everything the server logs at the most verbose level, while secrets pass through it in every way
// they can arrive: passwords (right, wrong, changed), session cookies, CSRF tokens, API tokens, the
// metrics scrape token, a one-time password. None of them may appear in a log line.

const lines: string[] = [];
let t: TestContext;
let app: Awaited<ReturnType<typeof buildServer>>;
let base: string;
const METRICS_TOKEN = 'metrics-scrape-token-that-must-not-be-logged';

beforeAll(async () => {
  t = await createTestContext({ metricsToken: METRICS_TOKEN });
  t.ctx.logger = createLogger({ level: 'trace', pretty: false, destination: new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) }) });
  app = await buildServer(t.ctx);
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
}, 60_000);
afterAll(async () => {
  await app?.close();
  await t?.cleanup();
});

describe('logs', () => {
  it('never carry a password, session, CSRF token, API token or scrape token', async () => {
    const secrets: string[] = ['the admin password for logs', 'a wrong password for logs', 'a brand new password for logs', METRICS_TOKEN];
    await createUser(t.ctx, { username: 'setup' }, { username: 'lena', displayName: 'Lena', role: 'admin', password: secrets[0] });
    const { oneTimePassword } = await createUser(t.ctx, { username: 'setup' }, { username: 'omar', displayName: 'Omar', role: 'officer' });
    secrets.push(oneTimePassword!);
    const apiToken = (await createApiToken(t.ctx, { username: 'setup' }, { name: 'logs', role: 'admin' })).token;
    secrets.push(apiToken);

    const c = new WebClient(base);
    await c.signIn('lena', secrets[1]);
    await c.signIn('lena', secrets[0]);
    secrets.push(c.cookies.get('housing365_session')!);
    const csrf = await c.csrfFrom('/account/password');
    secrets.push(csrf);
    await c.postForm('/account/password', { _csrf: csrf, next: '/', currentPassword: secrets[0], newPassword: secrets[2], confirmPassword: secrets[2] });
    await new WebClient(base).signIn('omar', oneTimePassword!);
    // API calls with the token, good and failing (a 4xx, a database refusal, a NUL).
    const auth = { authorization: `Bearer ${apiToken}`, 'content-type': 'application/json' };
    await fetch(`${base}/api/v1/parameters`, { headers: auth });
    await fetch(`${base}/api/v1/teams`, { method: 'POST', headers: auth, body: JSON.stringify({ code: 'X\u0000', name: secrets[0] }) });
    await fetch(`${base}/api/v1/users`, { method: 'POST', headers: auth, body: JSON.stringify({ username: 'newbie', displayName: 'N', role: 'officer', password: secrets[2] }) });
    await fetch(`${base}/api/v1/parameters`, { headers: { authorization: `Bearer h365_${'x'.repeat(40)}` } });
    await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}x` } });

    const log = lines.join('');
    expect(lines.length).toBeGreaterThan(10);
    expect(log).toContain('signed in');
    for (const s of secrets) expect(log, `a secret (${s.slice(0, 6)}…) was logged`).not.toContain(s);
  });
});
