import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, getUserByUsername, setPassword } from '../../src/app/users.ts';
import { WebClient, startWebFixture, type WebFixture } from './web-client.ts';

let f: WebFixture;
beforeAll(async () => {
  f = await startWebFixture();
});
afterAll(async () => f?.close());

const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)![1];
const hiddenNext = (html: string) => /name="next" value="([^"]*)"/.exec(html)?.[1];

describe('where the browser is sent back to', () => {
  it('never leaves the site after a password change, whatever next says', async () => {
    const c = new WebClient(f.baseUrl);
    await c.signIn('alice', f.adminPassword);
    for (const next of ['/%09/example.com', '/%0a/example.com', '/%5Cexample.com', '//example.com', 'https://example.com/', '/%2F%2Fexample.com']) {
      const form = await c.get(`/account/password?next=${next}`);
      expect(form.status, next).toBe(200);
      expect(hiddenNext(await form.text()), next).toBe('/');
    }
    const csrf = await c.csrfFrom('/account/password');
    const changed = await c.postForm('/account/password', { _csrf: csrf, next: '/\t/example.com', currentPassword: f.adminPassword, newPassword: 'a second admin password', confirmPassword: 'a second admin password' });
    expect(changed.status).toBe(200);
    const html = await changed.text();
    expect(html).toContain('Password changed');
    expect(html).toMatch(/<a class="govuk-link" href="\/">\s*Continue/);
    await setPassword(f.t.ctx, { username: 'test' }, (await getUserByUsername(f.t.ctx, 'alice'))!.id, f.adminPassword);
  });

  it('answers a control character in next on the sign-in page with the page, not a 500, and goes home after sign-in', async () => {
    const c = new WebClient(f.baseUrl);
    const page = await c.get('/sign-in?next=/%0a/x');
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(hiddenNext(html)).toBe('/');
    const token = /name="_csrf" value="([^"]+)"/.exec(html)![1];
    const res = await c.postForm('/sign-in', { _csrf: token, username: 'alice', password: f.adminPassword, next: '/\n/x' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/');
    // Signed in already: /sign-in redirects to next, checked the same way.
    for (const next of ['/%0a/x', '/%09/example.com', '/\\example.com']) {
      const again = await c.get(`/sign-in?next=${next}`);
      expect(again.status, next).toBe(303);
      expect(again.headers.get('location'), next).toBe('/');
    }
    const kept = await c.get(`/sign-in?next=${encodeURIComponent('/tasks/list?status=open')}`);
    expect(kept.headers.get('location')).toBe('/tasks/list?status=open');
    // Text past Latin-1 cannot go in a Location header as it is (Node answered 500): it is sent encoded.
    const euro = await c.get('/sign-in?next=/caf%C3%A9?x=%E2%82%AC');
    expect(euro.status).toBe(303);
    expect(euro.headers.get('location')).toBe('/caf%C3%A9?x=%E2%82%AC');
  });
});

describe('a one-time password', () => {
  it('opens nothing but the password form and sign-out: pages redirect, forms and API calls are refused', async () => {
    const { oneTimePassword } = await createUser(f.t.ctx, { username: 'test' }, { username: 'otto', displayName: 'Otto Onetime', role: 'admin' });
    const c = new WebClient(f.baseUrl);
    expect((await c.signIn('otto', oneTimePassword!)).headers.get('location')).toBe('/account/password?first=1&next=%2F');
    const csrf = csrfOf(await (await c.get('/account/password?first=1')).text());

    const page = await c.get('/system-setup/parameters');
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toMatch(/^\/account\/password\?first=1/);

    // A form post with a good CSRF token does not run.
    const form = await c.postForm('/system-setup/parameters/EMI_POLL', { _csrf: csrf, value: '9' });
    expect(form.status).toBe(303);
    expect(form.headers.get('location')).toBe('/account/password?first=1');
    // The API on the session cookie, read or write, is refused.
    for (const [method, body] of [['GET', undefined], ['PUT', { value: '9' }]] as const) {
      const api = await c.json(method, '/api/v1/parameters/EMI_POLL', body, { 'x-csrf-token': csrf });
      expect(api.status, method).toBe(403);
      expect(api.headers.get('content-type')).toContain('application/problem+json');
      expect((await api.json()).type).toMatch(/password_change_required$/);
    }
    const param = await (await fetch(`${f.baseUrl}/api/v1/parameters/EMI_POLL`, { headers: { authorization: `Bearer ${f.adminToken}` } })).json();
    expect(param.value).not.toBe('9');

    // Changing the password opens everything.
    const changed = await c.postForm('/account/password', { _csrf: csrf, next: '/', currentPassword: oneTimePassword!, newPassword: 'otto has his own now', confirmPassword: 'otto has his own now' });
    expect(changed.status).toBe(200);
    expect((await c.get('/system-setup/parameters')).status).toBe(200);
    expect((await c.json('GET', '/api/v1/parameters/EMI_POLL')).status).toBe(200);
  });

  it('still lets the holder sign out', async () => {
    const { oneTimePassword } = await createUser(f.t.ctx, { username: 'test' }, { username: 'olga', displayName: 'Olga Onetime', role: 'officer' });
    const c = new WebClient(f.baseUrl);
    await c.signIn('olga', oneTimePassword!);
    const csrf = csrfOf(await (await c.get('/account/password?first=1')).text());
    const out = await c.postForm('/sign-out', { _csrf: csrf });
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toBe('/sign-in');
    expect(c.cookies.has('housing365_session')).toBe(false);
  });
});

describe('changing or resetting a password', () => {
  it('ends every session of the user, renews the one that made the change, and leaves API tokens working', async () => {
    await createUser(f.t.ctx, { username: 'test' }, { username: 'petra', displayName: 'Petra', role: 'officer', password: 'petra first password' });
    const here = new WebClient(f.baseUrl);
    const elsewhere = new WebClient(f.baseUrl);
    const other = new WebClient(f.baseUrl);
    await here.signIn('petra', 'petra first password');
    await elsewhere.signIn('petra', 'petra first password');
    await other.signIn('alice', f.adminPassword);
    expect((await elsewhere.get('/')).status).toBe(200);

    const csrf = await here.csrfFrom('/account/password');
    const before = here.cookies.get('housing365_session')!;
    const changed = await here.postForm('/account/password', { _csrf: csrf, next: '/', currentPassword: 'petra first password', newPassword: 'petra second password', confirmPassword: 'petra second password' });
    expect(changed.status).toBe(200);

    // This browser carries on in a new session; a copy of its old cookie is worth nothing now.
    expect(here.cookies.get('housing365_session')).not.toBe(before);
    expect((await here.get('/')).status).toBe(200);
    expect(csrfOf(await (await here.get('/account/password')).text())).not.toBe(csrf);
    const copy = await fetch(`${f.baseUrl}/`, { redirect: 'manual', headers: { cookie: `housing365_session=${before}` } });
    expect(copy.status).toBe(303);
    const gone = await elsewhere.get('/');
    expect(gone.status).toBe(303);
    expect(gone.headers.get('location')).toMatch(/^\/sign-in/);
    // Another user's session and the organisation's API tokens are not touched.
    expect((await other.get('/')).status).toBe(200);
    expect((await fetch(`${f.baseUrl}/api/v1/parameters`, { headers: { authorization: `Bearer ${f.officerToken}` } })).status).toBe(200);

    const audit = await f.t.ctx.db.selectFrom('audit_events').select('summary').where('action', '=', 'user.password.change').execute();
    expect(audit.map((a) => a.summary)).toContain('petra changed their password; 2 session(s) ended, this one renewed');
  });

  it('ends every session of the user when an admin resets the password', async () => {
    await createUser(f.t.ctx, { username: 'test' }, { username: 'rita', displayName: 'Rita', role: 'officer', password: 'rita first password' });
    const a = new WebClient(f.baseUrl);
    const b = new WebClient(f.baseUrl);
    await a.signIn('rita', 'rita first password');
    await b.signIn('rita', 'rita first password');
    await setPassword(f.t.ctx, { username: 'admin' }, (await getUserByUsername(f.t.ctx, 'rita'))!.id, 'a one-time reset password', { mustChange: true });
    for (const c of [a, b]) {
      const res = await c.get('/');
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toMatch(/^\/sign-in/);
    }
  });
});
