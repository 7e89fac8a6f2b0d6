import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, testLicence, type TestContext } from '../helpers/db.ts';
import { addTeamMember, createTeam, createUser, listTeams } from '../../src/app/users.ts';
import { createApiToken, resolveApiToken, resolveSession, revokeApiToken, signIn, signOut } from '../../src/app/auth.ts';
import { ensureFirstAdmin } from '../../src/app/bootstrap.ts';
import { getLicenceState, installLicence } from '../../src/app/licence.ts';
import { getIntegrationStatus } from '../../src/app/integration.ts';
import { setParameter } from '../../src/app/parameters.ts';
import { addFrv, deactivateFrv, listFrvs } from '../../src/app/frvs.ts';
import { generateLicenceKeyPair, issueLicence } from '../../src/domain/licence/licence.ts';
import { AppError } from '../../src/errors.ts';

let t: TestContext;
const actor = { username: 'tester' };

beforeAll(async () => {
  t = await createTestContext({ adminPassword: 'correct horse battery staple' });
});
afterAll(async () => t?.cleanup());

describe('accounts, sessions and tokens', () => {
  it('creates the first admin once, with the configured password', async () => {
    expect(await ensureFirstAdmin(t.ctx)).toEqual({ created: true, password: undefined });
    expect(await ensureFirstAdmin(t.ctx)).toEqual({ created: false });
    const s = await signIn(t.ctx, 'ADMIN', 'correct horse battery staple');
    expect(s.user.role).toBe('admin');
    const resolved = await resolveSession(t.ctx, s.sessionToken);
    expect(resolved?.user.username).toBe('admin');
    await signOut(t.ctx, s.sessionToken);
    expect(await resolveSession(t.ctx, s.sessionToken)).toBeNull();
  });

  it('refuses a wrong password and an unknown user with the same message', async () => {
    const a = await signIn(t.ctx, 'admin', 'wrong password!!').catch((e: AppError) => e.message);
    const b = await signIn(t.ctx, 'nobody', 'wrong password!!').catch((e: AppError) => e.message);
    expect(a).toBe('The username or password is not right');
    expect(b).toBe(a);
  });

  it('stores passwords as argon2id hashes, never in clear', async () => {
    const row = await t.ctx.db.selectFrom('users').select('password_hash').where('username', '=', 'admin').executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
  });

  it('makes officers and teams', async () => {
    const { user, oneTimePassword } = await createUser(t.ctx, actor, { username: 'jo.bloggs', displayName: 'Jo Bloggs', role: 'officer' });
    expect(oneTimePassword).toBeTruthy();
    const team = await createTeam(t.ctx, actor, { code: 'asb', name: 'ASB team' });
    await addTeamMember(t.ctx, actor, team.id, user.id);
    const teams = await listTeams(t.ctx);
    expect(teams.find((x) => x.code === 'ASB')?.members.map((m) => m.username)).toEqual(['jo.bloggs']);
    const dup = await createUser(t.ctx, actor, { username: 'jo.bloggs', displayName: 'X', role: 'officer' }).catch((e: AppError) => e);
    expect((dup as AppError).code).toBe('conflict');
  });

  it('issues API tokens that resolve until revoked, stored only as hashes', async () => {
    const { id, token } = await createApiToken(t.ctx, actor, { name: 'ci', role: 'officer' });
    expect((await resolveApiToken(t.ctx, token))?.role).toBe('officer');
    const row = await t.ctx.db.selectFrom('api_tokens').select('token_hash').where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.token_hash).not.toContain(token);
    await revokeApiToken(t.ctx, actor, id);
    expect(await resolveApiToken(t.ctx, token)).toBeNull();
  });
});

describe('FRVs', () => {
  it('adds, lists and deactivates EXCHANGE_INBOX values', async () => {
    await addFrv(t.ctx, actor, { domain: 'exchange_inbox', code: 'asb', description: 'ASB inbox' });
    await addFrv(t.ctx, actor, { domain: 'EXCHANGE_INBOX', code: 'COMPLAINTS', description: 'Complaints' });
    expect((await listFrvs(t.ctx, 'EXCHANGE_INBOX')).map((f) => f.code)).toEqual(['ASB', 'COMPLAINTS']);
    await deactivateFrv(t.ctx, actor, 'EXCHANGE_INBOX', 'ASB');
    expect((await listFrvs(t.ctx, 'EXCHANGE_INBOX')).find((f) => f.code === 'ASB')?.active).toBe(false);
  });

  it('refuses an unknown domain and a duplicate code, naming the field', async () => {
    const e1 = (await addFrv(t.ctx, actor, { domain: 'NOPE', code: 'X', description: 'x' }).catch((e) => e)) as AppError;
    expect(e1.fields[0].field).toBe('domain');
    const e2 = (await addFrv(t.ctx, actor, { domain: 'EXCHANGE_INBOX', code: 'COMPLAINTS', description: 'again' }).catch((e) => e)) as AppError;
    expect(e2.code).toBe('conflict');
  });
});

describe('licence and the integration switches', () => {
  it('says exactly why no flow runs without a licence', async () => {
    const s = await getIntegrationStatus(t.ctx);
    expect(s.licensed).toBe(false);
    expect(s.flows.every((f) => !f.running)).toBe(true);
    expect(s.flows[0].reasons.join(' ')).toMatch(/licence/i);
  });

  it('refuses a key signed by another vendor key', async () => {
    const other = generateLicenceKeyPair();
    const key = issueLicence(other.privateKeyPem, { customer: 'Mallory', features: ['OUTLOOK365'], expiresAt: new Date(Date.now() + 1e9) });
    const err = (await installLicence(t.ctx, actor, key).catch((e) => e)) as AppError;
    expect(err.code).toBe('validation');
    expect((await getLicenceState(t.ctx)).valid).toBe(false);
  });

  it('runs outbound email once licensed and switched on, and says why not before', async () => {
    await installLicence(t.ctx, actor, testLicence(t.licencePrivateKey));
    expect((await getLicenceState(t.ctx)).valid).toBe(true);
    let s = await getIntegrationStatus(t.ctx);
    const out = () => s.flows.find((f) => f.flow === 'emailOut')!;
    expect(out().running).toBe(false);
    expect(out().reasons.join(' ')).toMatch(/OUTLOOK365/);
    await setParameter(t.ctx, actor, 'INBOX_SERVER', 'housingorganisation.co.uk');
    await setParameter(t.ctx, actor, 'EMO_EMAILADDR', 'noreply@housingorganisation.co.uk');
    await setParameter(t.ctx, actor, 'OUTLOOK365', 'Y');
    await setParameter(t.ctx, actor, 'EMAILOUT_OUTLOOK365', 'Y');
    s = await getIntegrationStatus(t.ctx);
    expect(out().running).toBe(true);
  });
});
