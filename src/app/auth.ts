import { verify } from '@node-rs/argon2';
import { createHash, randomBytes } from 'node:crypto';
import { AppError } from '../errors.ts';
import { insertApiToken, revokeApiTokenRow, selectApiTokens, selectLiveApiToken, touchApiToken } from '../adapters/db/api-tokens.ts';
import { countRefusedSignIns, deleteSession, deleteUserSessions, insertSession, selectLocalSignIn, selectSession, touchSession, upsertLocalSignIn } from '../adapters/db/sessions.ts';
import { selectUserBy, updateUserRow, type User } from '../adapters/db/users.ts';
import { hashPassword } from './users.ts';
import type { Actor, AppContext, Principal } from './context.ts';
import { recordAudit } from './audit.ts';

// Sessions and API tokens are random secrets given to the client once; the database keeps only their
// SHA-256, so a copy of the database yields no live credential.
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const SESSION_IDLE_MS = 8 * 3600 * 1000; // a working day
const SESSION_ABSOLUTE_MS = 7 * 24 * 3600 * 1000;
// Verifying against a real hash when the user does not exist keeps the response time the same, so the
// sign-in form does not reveal which usernames exist.
let decoyHash: Promise<string> | undefined;

const toPrincipal = (u: User): Principal => ({ kind: 'user', id: u.id, username: u.username, displayName: u.displayName, role: u.role });

export async function signIn(ctx: AppContext, usernameIn: string, password: string, from: { ip?: string } = {}): Promise<{ sessionToken: string; csrfToken: string; user: Principal; mustChangePassword: boolean }> {
  const username = usernameIn.trim().toLowerCase();
  const u = await selectUserBy(ctx.db, { username });
  if (!(await localSignInEnabled(ctx))) {
    throw new AppError('forbidden', 'Password sign-in is switched off here: use "Sign in with Microsoft"');
  }
  await refuseWhenLockedOut(ctx, username, from.ip);
  decoyHash ??= hashPassword(randomBytes(16).toString('hex'));
  const ok = u?.passwordHash ? await verify(u.passwordHash, password) : (await verify(await decoyHash, password), false);
  if (!u || !ok || !u.active) {
    ctx.logger.warn({ username: username.slice(0, 64) }, 'sign-in refused');
    await recordAudit(ctx.db, { username: username.slice(0, 64) || '(blank)', ip: from.ip }, { action: 'signin.failed', entityType: 'session', summary: `Sign-in refused for ${username.slice(0, 64) || '(blank)'}` });
    throw new AppError('unauthenticated', 'The username or password is not right');
  }
  const { sessionToken, csrfToken } = await createSession(ctx, u.id);
  ctx.logger.info({ user: u.username }, 'signed in');
  await recordAudit(ctx.db, { username: u.username, ip: from.ip }, { action: 'signin', entityType: 'session', entityId: u.id, summary: `${u.username} signed in with a local password` });
  return { sessionToken, csrfToken, user: toPrincipal(u), mustChangePassword: u.mustChangePassword };
}

/** A new session for a user who has proved who they are (password or Microsoft). */
export async function createSession(ctx: AppContext, userId: number): Promise<{ sessionToken: string; csrfToken: string }> {
  const sessionToken = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  await insertSession(ctx.db, { id: sha256(sessionToken), userId, csrfToken, expiresAt: new Date(ctx.now().getTime() + SESSION_ABSOLUTE_MS) });
  await updateUserRow(ctx.db, userId, { last_sign_in_at: ctx.now() });
  return { sessionToken, csrfToken };
}

// Rate limit: after 5 refused attempts for one username, or 30 from one address, within 15 minutes,
// further attempts are refused without checking the password. The message is the same whether or
// not the account exists, so it reveals nothing an attacker did not already know.
const LOCKOUT_WINDOW_MS = 15 * 60_000;
const LOCKOUT_PER_USER = 5;
const LOCKOUT_PER_ADDRESS = 30;
export const LOCKOUT_MESSAGE = 'Too many sign-in attempts. Wait 15 minutes, then try again.';

async function refuseWhenLockedOut(ctx: AppContext, username: string, ip: string | undefined): Promise<void> {
  const since = new Date(ctx.now().getTime() - LOCKOUT_WINDOW_MS);
  if ((await countRefusedSignIns(ctx.db, { actor: username || '(blank)' }, since)) >= LOCKOUT_PER_USER || (ip && (await countRefusedSignIns(ctx.db, { sourceIp: ip }, since)) >= LOCKOUT_PER_ADDRESS)) {
    ctx.logger.warn({ username: username.slice(0, 64), ip }, 'sign-in refused: locked out');
    throw new AppError('unauthenticated', LOCKOUT_MESSAGE);
  }
}

/** Whether staff may sign in with a local password (an admin can switch it off once Microsoft sign-in works). */
export async function localSignInEnabled(ctx: AppContext): Promise<boolean> {
  return (await selectLocalSignIn(ctx.db)) === 'on';
}

export async function setLocalSignIn(ctx: AppContext, actor: Actor, enabled: boolean): Promise<void> {
  const value = enabled ? 'on' : 'off';
  await upsertLocalSignIn(ctx.db, value, ctx.now());
  await recordAudit(ctx.db, actor, { action: 'setting.local_signin', entityType: 'setting', entityId: 'local_signin', summary: `Password sign-in switched ${value}`, after: { value } });
}

export async function resolveSession(ctx: AppContext, sessionToken: string): Promise<{ user: Principal; csrfToken: string } | null> {
  if (!sessionToken || sessionToken.length > 200) return null;
  const now = ctx.now();
  const row = await selectSession(ctx.db, sha256(sessionToken));
  if (!row || !row.userActive || row.expiresAt <= now || now.getTime() - row.lastSeenAt.getTime() > SESSION_IDLE_MS) return null;
  // Touch at most once a minute: a page with many requests should not write on each.
  if (now.getTime() - row.lastSeenAt.getTime() > 60_000) await touchSession(ctx.db, row.id, now);
  const u = await selectUserBy(ctx.db, { id: row.userId });
  return u ? { user: { ...toPrincipal(u), mustChangePassword: u.mustChangePassword }, csrfToken: row.csrfToken } : null;
}

export async function signOut(ctx: AppContext, sessionToken: string): Promise<void> {
  await deleteSession(ctx.db, sha256(sessionToken));
}

export async function signOutEverywhere(ctx: AppContext, userId: number): Promise<void> {
  await deleteUserSessions(ctx.db, userId);
}

export async function createApiToken(ctx: AppContext, actor: Actor, input: { name: string; role: 'admin' | 'officer' }): Promise<{ id: number; token: string }> {
  const name = input.name.trim();
  if (!name || name.length > 100) throw AppError.validation('name', 'Give the token a name of 1 to 100 characters');
  if (input.role !== 'admin' && input.role !== 'officer') throw AppError.validation('role', 'role must be admin or officer');
  const token = `h365_${randomBytes(32).toString('base64url')}`;
  const id = await insertApiToken(ctx.db, { name, role: input.role, tokenHash: sha256(token) });
  ctx.logger.info({ tokenId: id, name, role: input.role, by: actor.username }, 'API token created');
  await recordAudit(ctx.db, actor, { action: 'token.create', entityType: 'api_token', entityId: id, summary: `API token ${name} (${input.role}) created`, after: { name, role: input.role } });
  return { id, token };
}

export async function listApiTokens(ctx: AppContext) {
  return selectApiTokens(ctx.db);
}

export async function revokeApiToken(ctx: AppContext, actor: Actor, id: number): Promise<void> {
  if (!(await revokeApiTokenRow(ctx.db, id, ctx.now()))) throw new AppError('not_found', `There is no active API token with id ${id}`);
  ctx.logger.info({ tokenId: id, by: actor.username }, 'API token revoked');
  await recordAudit(ctx.db, actor, { action: 'token.revoke', entityType: 'api_token', entityId: id, summary: `API token ${id} revoked` });
}

export async function resolveApiToken(ctx: AppContext, bearer: string): Promise<Principal | null> {
  if (!bearer.startsWith('h365_') || bearer.length > 200) return null;
  const row = await selectLiveApiToken(ctx.db, sha256(bearer));
  if (!row) return null;
  if (!row.last_used_at || ctx.now().getTime() - row.last_used_at.getTime() > 60_000) await touchApiToken(ctx.db, row.id, ctx.now());
  return { kind: 'token', id: row.id, username: `token:${row.name}`, displayName: `API token ${row.name}`, role: row.role };
}

/**
 * A user changes their own password. Every session of theirs ends — the others (a thief holding an
 * old one is signed out) and the one that made the change too, which is replaced by a new session
 * returned here: a copy of the old cookie taken before the change is worth nothing after it. API
 * tokens are not the user's (they belong to the organisation, see docs/security.md) and are not touched.
 */
export async function changePassword(
  ctx: AppContext,
  userId: number,
  current: string,
  next: string,
  opts: { ip?: string } = {},
): Promise<{ sessionToken: string; csrfToken: string; endedSessions: number }> {
  const u = await selectUserBy(ctx.db, { id: userId });
  if (!u?.passwordHash || !(await verify(u.passwordHash, current))) throw AppError.validation('currentPassword', 'The current password is not right');
  if (next.length < 12) throw AppError.validation('newPassword', 'The new password must be at least 12 characters');
  if (next.length > 200) throw AppError.validation('newPassword', 'The new password must be at most 200 characters');
  await updateUserRow(ctx.db, userId, { password_hash: await hashPassword(next), must_change_password: false });
  const endedSessions = await deleteUserSessions(ctx.db, userId);
  const fresh = await createSession(ctx, userId);
  ctx.logger.info({ user: u.username, endedSessions }, 'password changed');
  await recordAudit(ctx.db, { username: u.username, ip: opts.ip }, { action: 'user.password.change', entityType: 'user', entityId: u.id, summary: `${u.username} changed their password; ${endedSessions} session(s) ended, this one renewed` });
  return { ...fresh, endedSessions };
}
