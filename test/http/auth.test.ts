import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../src/transport/http/security-headers.ts';
import { WebClient, startWebFixture, type WebFixture } from './web-client.ts';

let f: WebFixture;
beforeAll(async () => {
  f = await startWebFixture();
});
afterAll(async () => f?.close());

describe('sign-in and sessions', () => {
  it('sends anonymous visitors of a page to the sign-in page, remembering where they were going', async () => {
    const c = new WebClient(f.baseUrl);
    for (const path of ['/', '/system-setup/parameters', '/system-setup/frvs', '/system-setup/users', '/docs']) {
      const res = await c.get(path);
      expect(res.status, path).toBe(303);
      expect(res.headers.get('location')).toBe(`/sign-in?next=${encodeURIComponent(path)}`);
    }
  });

  it('refuses a wrong password with a GOV.UK error summary and no session', async () => {
    const c = new WebClient(f.baseUrl);
    const res = await c.signIn('alice', 'not the password');
    expect(res.status).toBe(401);
    const html = await res.text();
    expect(html).toContain('govuk-error-summary');
    expect(html).toContain('The username or password is not right');
    expect(html).toContain('<title>Error: Sign in – housing365</title>');
    expect(c.cookies.has('housing365_session')).toBe(false);
    expect((await c.get('/')).status).toBe(303);
  });

  it('asks for both fields when they are empty', async () => {
    const c = new WebClient(f.baseUrl);
    const res = await c.signIn('', '');
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('href="#username">Enter your username</a>');
    expect(html).toContain('href="#password">Enter your password</a>');
  });

  it('signs in with the right password, sets a HttpOnly SameSite=Lax session cookie, and signs out', async () => {
    const c = new WebClient(f.baseUrl);
    const token = await c.csrfFrom('/sign-in');
    const res = await c.postForm('/sign-in', { _csrf: token, username: 'Alice', password: f.adminPassword, next: '/system-setup/frvs' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/system-setup/frvs');
    const setCookie = res.headers.getSetCookie().find((s) => s.startsWith('housing365_session='))!;
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    // Plain HTTP with COOKIE_SECURE=auto: not Secure, or the browser would drop it.
    expect(setCookie).not.toMatch(/;\s*Secure/i);

    const home = await c.get('/');
    expect(home.status).toBe(200);
    const html = await home.text();
    expect(html).toContain('Alice Admin');
    expect(html).toContain('Outlook 365 integration');

    const csrf = /name="_csrf" value="([^"]+)"/.exec(html)![1];
    const out = await c.postForm('/sign-out', { _csrf: csrf });
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toBe('/sign-in');
    expect((await c.get('/')).status).toBe(303);
  });

  it('never redirects off-site after sign-in', async () => {
    const c = new WebClient(f.baseUrl);
    const token = await c.csrfFrom('/sign-in');
    const res = await c.postForm('/sign-in', { _csrf: token, username: 'alice', password: f.adminPassword, next: '//evil.example/' });
    expect(res.headers.get('location')).toBe('/');
  });

  it('marks the session cookie Secure when COOKIE_SECURE=true', async () => {
    f.t.ctx.config.cookieSecure = true;
    try {
      const c = new WebClient(f.baseUrl);
      const token = await c.csrfFrom('/sign-in');
      const res = await c.postForm('/sign-in', { _csrf: token, username: 'alice', password: f.adminPassword });
      expect(res.headers.getSetCookie().find((s) => s.startsWith('housing365_session='))).toMatch(/;\s*Secure/i);
    } finally {
      f.t.ctx.config.cookieSecure = 'auto';
    }
  });
});

describe('CSRF protection', () => {
  it('rejects a sign-in post without the token of the sign-in form', async () => {
    const c = new WebClient(f.baseUrl);
    await c.get('/sign-in');
    const res = await c.postForm('/sign-in', { username: 'alice', password: f.adminPassword });
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(c.cookies.has('housing365_session')).toBe(false);
  });

  it('rejects a form post of a signed-in user without the token, or with another session\'s token', async () => {
    const c = new WebClient(f.baseUrl);
    await c.signIn('alice', f.adminPassword);
    const other = new WebClient(f.baseUrl);
    await other.signIn('alice', f.adminPassword);
    const othersToken = await other.csrfFrom('/system-setup/parameters/EMI_POLL');

    for (const fields of <Array<Record<string, string>>>[{ value: '7' }, { value: '7', _csrf: othersToken }, { value: '7', _csrf: '' }]) {
      const res = await c.postForm('/system-setup/parameters/EMI_POLL', fields);
      expect(res.status).toBe(403);
      const body = await res.json();
      expect(body).toMatchObject({ status: 403, title: 'Forbidden' });
    }
    // Nothing was saved.
    const page = await (await c.get('/system-setup/parameters')).text();
    expect(page).not.toMatch(/EMI_POLL[\s\S]{0,400}>7</);

    const token = await c.csrfFrom('/system-setup/parameters/EMI_POLL');
    const ok = await c.postForm('/system-setup/parameters/EMI_POLL', { value: '7', _csrf: token });
    expect(ok.status).toBe(303);
  });

  it('needs X-CSRF-Token for unsafe API calls made with the session cookie, but not with a bearer token', async () => {
    const c = new WebClient(f.baseUrl);
    await c.signIn('alice', f.adminPassword);
    const without = await c.json('PUT', '/api/v1/parameters/CALI_POLL', { value: '10' });
    expect(without.status).toBe(403);

    const token = await c.csrfFrom('/system-setup/parameters/CALI_POLL');
    const withToken = await c.json('PUT', '/api/v1/parameters/CALI_POLL', { value: '10' }, { 'x-csrf-token': token });
    expect(withToken.status).toBe(200);

    const bearer = await new WebClient(f.baseUrl).json('PUT', '/api/v1/parameters/CALI_POLL', { value: '15' }, { authorization: `Bearer ${f.adminToken}` });
    expect(bearer.status).toBe(200);
    expect((await bearer.json()).value).toBe('15');
  });
});

describe('security headers', () => {
  it('sends the CSP and friends on pages, API responses, problems, assets and 404s', async () => {
    const c = new WebClient(f.baseUrl);
    const responses = await Promise.all([
      c.get('/sign-in'),
      c.get('/healthz'),
      c.get('/api/v1/parameters'),
      c.get('/assets/govuk/govuk-frontend.min.css'),
      c.get('/assets/app.js'),
      c.get('/no-such-page'),
    ]);
    for (const res of responses) {
      expect(res.headers.get('content-security-policy'), res.url).toBe(CONTENT_SECURITY_POLICY);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('same-origin');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
    }
    expect(CONTENT_SECURITY_POLICY).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'self'",
    );
    expect(responses.map((r) => r.status)).toEqual([200, 200, 401, 200, 200, 404]);
  });

  it('serves pages without any inline script or style', async () => {
    const c = new WebClient(f.baseUrl);
    await c.signIn('alice', f.adminPassword);
    for (const path of ['/sign-in', '/', '/system-setup/parameters', '/system-setup/frvs', '/system-setup/users', '/docs']) {
      const html = await (await c.get(path)).text();
      expect(html, path).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(html, path).not.toMatch(/\sstyle="/);
      expect(html, path).not.toMatch(/\son[a-z]+="/);
    }
  });
});
