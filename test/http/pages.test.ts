import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/app/users.ts';
import { WebClient, startWebFixture, type WebFixture } from './web-client.ts';

let f: WebFixture;
let admin: WebClient;
let officer: WebClient;

beforeAll(async () => {
  f = await startWebFixture();
  admin = new WebClient(f.baseUrl);
  await admin.signIn('alice', f.adminPassword);
  officer = new WebClient(f.baseUrl);
  await officer.signIn('oscar', f.officerPassword);
});
afterAll(async () => f?.close());

describe('System Setup is for admins', () => {
  it('shows officers a 403 page for every System Setup page and form', async () => {
    for (const path of ['/system-setup', '/system-setup/parameters', '/system-setup/parameters/EMI_POLL', '/system-setup/frvs', '/system-setup/users']) {
      const res = await officer.get(path);
      expect(res.status, path).toBe(403);
      expect(await res.text()).toContain('You do not have access to this page');
    }
    const csrf = await officer.csrfFrom('/');
    const post = await officer.postForm('/system-setup/parameters/EMI_POLL', { _csrf: csrf, value: '9' });
    expect(post.status).toBe(403);
  });

  it('shows officers the home page without the System Setup link', async () => {
    const html = await (await officer.get('/')).text();
    expect(html).toContain('Oscar Officer');
    expect(html).not.toContain('href="/system-setup"');
    expect(await (await admin.get('/')).text()).toContain('href="/system-setup"');
  });
});

describe('home page', () => {
  it('shows the licence, the five switches and why each flow is not running', async () => {
    const html = await (await admin.get('/')).text();
    expect(html).toContain('No licence installed');
    for (const s of ['OUTLOOK365', 'EMAILOUT_OUTLOOK365', 'EMAILIN_OUTLOOK365', 'APPTOUT_OUTLOOK365', 'APPTIN_OUTLOOK365']) expect(html).toContain(s);
    expect(html.match(/Not running/g)).toHaveLength(4);
    expect(html).toContain('OUTLOOK365 is not set (it must be Y)');
  });

  it('shows the demo banner in demo mode only', async () => {
    f.t.ctx.config.demoMode = true;
    expect(await (await admin.get('/')).text()).toContain('Demo mode: connected to the built-in Microsoft 365 emulator, not a real tenant');
    f.t.ctx.config.demoMode = false;
    expect(await (await admin.get('/')).text()).not.toContain('Demo mode');
  });
});

describe('parameters pages', () => {
  it('lists all 15 parameters with description, hint and a change link', async () => {
    const html = await (await admin.get('/system-setup/parameters')).text();
    expect(html.match(/href="\/system-setup\/parameters\/[A-Z0-9_]+"/g)).toHaveLength(15);
    expect(html).toContain('Poll time in minutes for inbound emails');
    expect(html).toContain('Enter the Poll Time in Minutes for Inbound Email');
  });

  it('shows an inline error naming the parameter, keeps the typed value, and saves a good value', async () => {
    const csrf = await admin.csrfFrom('/system-setup/parameters/EMI_POLL');
    const bad = await admin.postForm('/system-setup/parameters/EMI_POLL', { _csrf: csrf, value: 'abc' });
    expect(bad.status).toBe(422);
    const html = await bad.text();
    expect(html).toContain('<title>Error: Change EMI_POLL – housing365</title>');
    expect(html).toMatch(/<a href="#value">[^<]*EMI_POLL[^<]*<\/a>/);
    expect(html).toMatch(/id="value-error" class="govuk-error-message">[\s\S]*EMI_POLL/);
    expect(html).toContain('value="abc"');
    expect(html).toContain('aria-describedby="value-hint value-error"');

    const good = await admin.postForm('/system-setup/parameters/EMI_POLL', { _csrf: csrf, value: '5' });
    expect(good.status).toBe(303);
    expect(good.headers.get('location')).toBe('/system-setup/parameters?saved=EMI_POLL');
    const list = await (await admin.get('/system-setup/parameters?saved=EMI_POLL')).text();
    expect(list).toContain('EMI_POLL saved');
    expect(list).toMatch(/id="param-EMI_POLL"[\s\S]*?<span>5<\/span>/);
  });

  it('edits Yes/No parameters with radios, and asks for a choice when none is made', async () => {
    const form = await (await admin.get('/system-setup/parameters/OUTLOOK365')).text();
    expect(form).toContain('type="radio" value="Y"');
    expect(form).toContain('type="radio" value="N"');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form)![1];
    const none = await admin.postForm('/system-setup/parameters/OUTLOOK365', { _csrf: csrf });
    expect(none.status).toBe(422);
    expect(await none.text()).toContain('Select Yes or No for OUTLOOK365');
    expect((await admin.postForm('/system-setup/parameters/OUTLOOK365', { _csrf: csrf, value: 'Y' })).status).toBe(303);
    expect(await (await admin.get('/system-setup/parameters/OUTLOOK365')).text()).toMatch(/value="Y" checked/);
  });

  it('answers 404 for an unknown parameter', async () => {
    expect((await admin.get('/system-setup/parameters/NOPE')).status).toBe(404);
  });
});

describe('FRV pages', () => {
  it('adds a value, shows a field error for a bad code, edits and deactivates', async () => {
    const csrf = await admin.csrfFrom('/system-setup/frvs');
    const added = await admin.postForm('/system-setup/frvs/EXCHANGE_INBOX', { _csrf: csrf, code: 'complaints', description: 'Complaints inbox' });
    expect(added.status).toBe(303);
    const list = await (await admin.get(added.headers.get('location')!)).text();
    expect(list).toContain('EXCHANGE_INBOX COMPLAINTS added');
    expect(list).toContain('Complaints inbox');

    const bad = await admin.postForm('/system-setup/frvs/EXCHANGE_INBOX', { _csrf: csrf, code: 'has space', description: 'x' });
    expect(bad.status).toBe(422);
    expect(await bad.text()).toMatch(/href="#EXCHANGE_INBOX-code"/);

    const edited = await admin.postForm('/system-setup/frvs/EXCHANGE_INBOX/COMPLAINTS', { _csrf: csrf, description: 'Complaints team' });
    expect(edited.status).toBe(303);
    const off = await admin.postForm('/system-setup/frvs/EXCHANGE_INBOX/COMPLAINTS/active', { _csrf: csrf, active: 'false' });
    const after = await (await admin.get(off.headers.get('location')!)).text();
    expect(after).toContain('EXCHANGE_INBOX COMPLAINTS deactivated');
    expect(after).toContain('Complaints team');
    expect(after).toContain('Reactivate');
  });
});

describe('users and teams pages', () => {
  it('creates a user (showing the one-time password once), a team, and adds the user to it', async () => {
    const csrf = await admin.csrfFrom('/system-setup/users');
    const created = await admin.postForm('/system-setup/users', { _csrf: csrf, username: 'carol', displayName: 'Carol Case', email: '', role: 'officer', password: '' });
    expect(created.status).toBe(201);
    const html = await created.text();
    expect(html).toContain('User carol created');
    expect(html).toMatch(/class="app-secret">[A-Za-z0-9_-]{12,}</);

    const invalid = await admin.postForm('/system-setup/users', { _csrf: csrf, username: 'carol', displayName: 'Again', role: 'officer' });
    expect(invalid.status).toBe(409);
    expect(await invalid.text()).toContain('href="#user-username"');

    expect((await admin.postForm('/system-setup/teams', { _csrf: csrf, code: 'RENTS', name: 'Rents team' })).status).toBe(303);
    const page = await (await admin.get('/system-setup/users')).text();
    const teamId = /action="\/system-setup\/teams\/(\d+)\/members"/.exec(page)![1];
    const userId = /<option value="(\d+)">Carol Case \(carol\)<\/option>/.exec(page)![1];
    expect((await admin.postForm(`/system-setup/teams/${teamId}/members`, { _csrf: csrf, userId })).status).toBe(303);
    const withMember = await (await admin.get('/system-setup/users?done=member-added')).text();
    expect(withMember).toContain('Team member added');
    expect(withMember).toContain(`/system-setup/teams/${teamId}/members/${userId}/remove`);
  });

  it('escapes what users typed', async () => {
    const csrf = await admin.csrfFrom('/system-setup/users');
    await admin.postForm('/system-setup/users', { _csrf: csrf, username: 'mallory', displayName: '<script>alert(1)</script>', role: 'officer', password: 'long enough password' });
    const html = await (await admin.get('/system-setup/users')).text();
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('&lt;script>alert(1)&lt;/script>');
  });
});

describe('changing a password', () => {
  it('sends a user with a one-time password to change it, then signs in with the new one', async () => {
    const { oneTimePassword } = await createUser(f.t.ctx, { username: 'test' }, { username: 'dora', displayName: 'Dora New', role: 'officer' });
    const c = new WebClient(f.baseUrl);
    const signedIn = await c.signIn('dora', oneTimePassword!);
    expect(signedIn.headers.get('location')).toBe('/account/password?first=1&next=%2F');
    const form = await (await c.get('/account/password?first=1&next=%2F')).text();
    expect(form).toContain('You signed in with a one-time password');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form)![1];

    const mismatch = await c.postForm('/account/password', { _csrf: csrf, next: '/', currentPassword: oneTimePassword!, newPassword: 'a brand new password', confirmPassword: 'something else entirely' });
    expect(mismatch.status).toBe(422);
    expect(await mismatch.text()).toContain('href="#confirmPassword">The new passwords do not match');
    const wrong = await c.postForm('/account/password', { _csrf: csrf, next: '/', currentPassword: 'not it at all', newPassword: 'a brand new password', confirmPassword: 'a brand new password' });
    expect(await wrong.text()).toContain('href="#currentPassword">The current password is not right');

    const ok = await c.postForm('/account/password', { _csrf: csrf, next: '/', currentPassword: oneTimePassword!, newPassword: 'a brand new password', confirmPassword: 'a brand new password' });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('Password changed');

    const again = await new WebClient(f.baseUrl).signIn('dora', 'a brand new password');
    expect(again.headers.get('location')).toBe('/');
  });
});

describe('operations endpoints', () => {
  it('answers /healthz and /readyz without sign-in', async () => {
    const c = new WebClient(f.baseUrl);
    expect(await (await c.get('/healthz')).json()).toEqual({ status: 'ok' });
    const ready = await c.get('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { database: 'ok', migrations: 'ok' } });
  });
  // /metrics and its scrape token: test/http/metrics.test.ts.
});
