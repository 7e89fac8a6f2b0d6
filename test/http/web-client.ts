import type { FastifyInstance } from 'fastify';
import { createTestContext, type TestContext } from '../helpers/db.ts';
import { buildServer } from '../../src/transport/http/server.ts';
import { createUser } from '../../src/app/users.ts';
import { createApiToken } from '../../src/app/auth.ts';

// A real server on an ephemeral port, and a tiny browser-like client: a cookie jar, manual
// redirects, and helpers to read the CSRF token out of the page it was served in.

export interface WebFixture {
  t: TestContext;
  app: FastifyInstance;
  baseUrl: string;
  adminPassword: string;
  officerPassword: string;
  adminToken: string;
  officerToken: string;
  close(): Promise<void>;
}

export async function startWebFixture(): Promise<WebFixture> {
  const t = await createTestContext();
  const actor = { username: 'test-setup' };
  const adminPassword = 'admin password for tests';
  const officerPassword = 'officer password for tests';
  await createUser(t.ctx, actor, { username: 'alice', displayName: 'Alice Admin', role: 'admin', password: adminPassword });
  await createUser(t.ctx, actor, { username: 'oscar', displayName: 'Oscar Officer', role: 'officer', password: officerPassword });
  const adminToken = (await createApiToken(t.ctx, actor, { name: 'admin-test', role: 'admin' })).token;
  const officerToken = (await createApiToken(t.ctx, actor, { name: 'officer-test', role: 'officer' })).token;
  const app = await buildServer(t.ctx);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    t,
    app,
    baseUrl: `http://127.0.0.1:${port}`,
    adminPassword,
    officerPassword,
    adminToken,
    officerToken,
    async close() {
      await app.close();
      await t.cleanup();
    },
  };
}

export class WebClient {
  readonly cookies = new Map<string, string>();
  constructor(readonly baseUrl: string) {}

  async request(method: string, path: string, opts: { body?: string; headers?: Record<string, string> } = {}): Promise<Response> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(this.baseUrl + path, {
      method,
      redirect: 'manual',
      body: opts.body,
      headers: { ...(cookie ? { cookie } : {}), ...opts.headers },
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      const name = pair.slice(0, i);
      const value = pair.slice(i + 1);
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  get(path: string, headers?: Record<string, string>) {
    return this.request('GET', path, { headers });
  }

  postForm(path: string, fields: Record<string, string>) {
    return this.request('POST', path, { body: new URLSearchParams(fields).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  }

  json(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    return this.request(method, path, {
      body: body === undefined ? undefined : JSON.stringify(body),
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    });
  }

  /** GETs a page and returns the CSRF token of its first form. */
  async csrfFrom(path: string): Promise<string> {
    const html = await (await this.get(path)).text();
    const m = /name="_csrf" value="([^"]+)"/.exec(html);
    if (!m) throw new Error(`no _csrf field on ${path}`);
    return m[1];
  }

  async signIn(username: string, password: string): Promise<Response> {
    const token = await this.csrfFrom('/sign-in');
    return this.postForm('/sign-in', { _csrf: token, username, password, next: '/' });
  }
}
