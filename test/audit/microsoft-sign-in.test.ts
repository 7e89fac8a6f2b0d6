import { Agent, fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../emulator/src/index.ts';
import { WebClient, startWebFixture, type WebFixture } from '../http/web-client.ts';
import { addGroupMapping } from '../../src/app/entra-signin.ts';
import { createTeam, createUser, listTeams } from '../../src/app/users.ts';
import { searchAudit } from '../../src/app/audit.ts';
import { OPERATOR_VIEWER } from '../../src/domain/tasks/visibility.ts';
import { setLocalSignIn, signIn } from '../../src/app/auth.ts';

// "Sign in with Microsoft" end to end: housing365 → the emulator's authorisation endpoint and sign-in
// page → back with a code → a housing365 session, with roles and teams from Entra groups.

const ADMINS = '0a1b2c3d-0000-4000-8000-00000000a001';
const ASB = '0a1b2c3d-0000-4000-8000-00000000a002';
let emu: Emulator;
let f: WebFixture;
let agent: Agent;

beforeAll(async () => {
  emu = await startEmulator({
    quiet: true,
    smtpPort: false,
    seed: {
      tenant: { id: '7e3a4c1b-1111-4222-8333-444455556666', domain: 'housingorganisation.co.uk' },
      users: [
        { userPrincipalName: 'sam.patel@housingorganisation.co.uk', displayName: 'Sam Patel', password: 'sam-password', groups: [ASB] },
        { userPrincipalName: 'alex.jones@housingorganisation.co.uk', displayName: 'Alex Jones', password: 'alex-password', groups: [ADMINS] },
      ],
      apps: [{ clientId: '11111111-2222-4333-8444-555555555555', clientSecret: 'web-secret', roles: [] }],
    } as never,
  });
  f = await startWebFixture();
  f.t.ctx.staffSignIn = { issuer: `${emu.authority}/v2.0`, clientId: '11111111-2222-4333-8444-555555555555', clientSecret: 'web-secret', caPem: emu.caCertPem };
  agent = new Agent({ connect: { ca: emu.caCertPem } });
  const team = await createTeam(f.t.ctx, { username: 'setup' }, { code: 'ASB', name: 'ASB team' });
  await addGroupMapping(f.t.ctx, { username: 'setup' }, { groupId: ASB, teamCode: team.code, role: 'officer' });
  await addGroupMapping(f.t.ctx, { username: 'setup' }, { groupId: ADMINS, role: 'admin' });
  // An existing account with the same email is linked, not duplicated.
  await createUser(f.t.ctx, { username: 'setup' }, { username: 'alexj', displayName: 'Alex J', email: 'Alex.Jones@housingorganisation.co.uk', role: 'officer' });
});
afterAll(async () => {
  await f?.close();
  await emu?.stop();
});

/** Follows the whole dance as a browser would, choosing `login` on the emulator's sign-in page. */
async function microsoftSignIn(c: WebClient, login: string, password: string, next = '/'): Promise<Response> {
  const start = await c.get(`/sign-in/microsoft?next=${encodeURIComponent(next)}`);
  expect(start.status).toBe(303);
  const authorizeUrl = start.headers.get('location')!;
  expect(authorizeUrl.startsWith(emu.authority)).toBe(true);
  const page = await undiciFetch(authorizeUrl, { dispatcher: agent });
  const html = await page.text();
  expect(html).toContain('name="login"');
  const form = new URLSearchParams();
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) form.set(m[1], m[2].replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>'));
  form.set('login', login);
  form.set('password', password);
  const action = new URL(/<form method="post" action="([^"]+)"/.exec(html)![1].replace(/&amp;/g, '&'), authorizeUrl);
  const back = await undiciFetch(action, { method: 'POST', body: form, redirect: 'manual', dispatcher: agent });
  expect(back.status).toBe(302);
  const callback = new URL(back.headers.get('location')!);
  expect(callback.pathname).toBe('/sign-in/microsoft/callback');
  return c.get(callback.pathname + callback.search);
}

describe('Sign in with Microsoft', () => {
  it('offers the button on the sign-in page', async () => {
    const html = await (await new WebClient(f.baseUrl).get('/sign-in')).text();
    expect(html).toContain('Sign in with Microsoft');
  });

  it('creates an officer at first sign-in and puts them in the team mapped from their group', async () => {
    const c = new WebClient(f.baseUrl);
    const res = await microsoftSignIn(c, 'sam.patel@housingorganisation.co.uk', 'sam-password', '/system-setup');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/system-setup');
    expect((await c.get('/')).status).toBe(200);
    // An officer: System Setup pages are refused.
    expect((await c.get('/system-setup/parameters')).status).toBe(403);
    const asb = (await listTeams(f.t.ctx)).find((t) => t.code === 'ASB')!;
    expect(asb.members.map((m) => m.username)).toEqual(['sam.patel@housingorganisation.co.uk']);
  });

  it('links to the existing user with the same email and applies the admin role from Entra groups', async () => {
    const c = new WebClient(f.baseUrl);
    expect((await microsoftSignIn(c, 'alex.jones@housingorganisation.co.uk', 'alex-password')).status).toBe(303);
    expect((await c.get('/system-setup/parameters')).status).toBe(200);
    const users = await f.t.ctx.db.selectFrom('users').select(['username', 'role', 'entra_oid']).where('email', 'ilike', 'alex.jones@housingorganisation.co.uk').execute();
    expect(users).toHaveLength(1);
    expect(users[0]).toMatchObject({ username: 'alexj', role: 'admin' });
    expect(users[0].entra_oid).toBeTruthy();
    const events = await searchAudit(f.t.ctx, OPERATOR_VIEWER, { actor: 'alexj', action: 'signin' });
    expect(events[0].summary).toContain('signed in with Microsoft');
  });

  it('refuses a callback whose state it did not issue', async () => {
    const res = await new WebClient(f.baseUrl).get('/sign-in/microsoft/callback?code=forged&state=forged');
    expect(res.status).toBe(401);
  });

  it('refuses password sign-in once an admin switches it off, and says to use Microsoft', async () => {
    await setLocalSignIn(f.t.ctx, { username: 'setup' }, false);
    const c = new WebClient(f.baseUrl);
    const html = await (await c.get('/sign-in')).text();
    expect(html).not.toContain('name="password"');
    const refused = await signIn(f.t.ctx, 'alice', f.adminPassword).catch((e: Error) => e.message);
    expect(refused).toMatch(/Password sign-in is switched off/);
    await setLocalSignIn(f.t.ctx, { username: 'setup' }, true);
  });
});

describe('sign-in rate limit', () => {
  it('locks a username out after five refused attempts, with the same words for unknown users', async () => {
    const c = new WebClient(f.baseUrl);
    for (let i = 0; i < 5; i++) expect((await c.signIn('oscar', `wrong-${i}`)).status).toBe(401);
    const locked = await c.signIn('oscar', f.officerPassword);
    expect(locked.status).toBe(401);
    expect(await locked.text()).toContain('Too many sign-in attempts');
    for (let i = 0; i < 5; i++) await c.signIn('nobody-at-all', `wrong-${i}`);
    expect(await (await c.signIn('nobody-at-all', 'x')).text()).toContain('Too many sign-in attempts');
  });
});

describe('sessions', () => {
  it('signs a user out on every device from the account page', async () => {
    const a = new WebClient(f.baseUrl);
    const b = new WebClient(f.baseUrl);
    await a.signIn('alice', f.adminPassword);
    await b.signIn('alice', f.adminPassword);
    expect((await b.get('/')).status).toBe(200);
    const csrf = await a.csrfFrom('/account/password');
    expect((await a.postForm('/account/sign-out-everywhere', { _csrf: csrf })).status).toBe(303);
    expect((await b.get('/')).status).toBe(303);
    expect((await a.get('/')).status).toBe(303);
  });

  it('keeps a user with a one-time password on the password page until they choose one', async () => {
    const { oneTimePassword } = await createUser(f.t.ctx, { username: 'setup' }, { username: 'newbie', displayName: 'New Person', role: 'officer' });
    const c = new WebClient(f.baseUrl);
    await c.signIn('newbie', oneTimePassword!);
    const res = await c.get('/system-setup');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toMatch(/^\/account\/password\?first=1/);
    const csrf = await c.csrfFrom('/account/password');
    await c.postForm('/account/password', { _csrf: csrf, currentPassword: oneTimePassword!, newPassword: 'a brand new password', confirmPassword: 'a brand new password' });
    expect((await c.get('/')).status).toBe(200);
  });
});
