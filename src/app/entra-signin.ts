import { randomBytes } from 'node:crypto';
import { AppError } from '../errors.ts';
import { createOidcSignIn, type OidcSettings, type OidcSignIn, type StaffClaims } from '../adapters/identity/oidc.ts';
import { deleteTeamMember, insertTeamMember, insertUser, selectTeamIdByCode, selectUserBy, selectUserTeamIds, updateUserRow } from '../adapters/db/users.ts';
import {
  deleteGroupMapping,
  insertGroupMapping,
  insertOidcPending,
  linkUserToEntra,
  lockEntraUser,
  selectGroupMappings,
  selectGroupMappingsFor,
  selectMappedTeamIds,
  selectUnlinkedUserRowByEmail,
  selectUserRowByEntraOid,
  selectUserRowById,
  takeOidcPending,
  type GroupMappingRow,
} from '../adapters/db/entra-signin.ts';
import { createSession } from './auth.ts';
import { recordAudit } from './audit.ts';
import type { Actor, AppContext, Principal } from './context.ts';

// "Sign in with Microsoft": OpenID Connect authorisation code + PKCE against the organisation's Entra
// tenant (or the emulator's identity platform in demo mode and tests). A first sign-in links to the
// user with the same email, or creates one; roles and team memberships mapped from Entra group ids are
// applied again at every sign-in, so a change in Entra takes effect at the next sign-in.

const PENDING_TTL_MS = 10 * 60_000;
const clients = new Map<string, Promise<OidcSignIn>>();

function signInClient(settings: OidcSettings): Promise<OidcSignIn> {
  const key = `${settings.issuer}|${settings.clientId}`;
  let c = clients.get(key);
  if (!c) {
    c = createOidcSignIn(settings);
    clients.set(key, c);
    // A failed discovery (identity provider down) must not be cached for ever.
    c.catch(() => clients.delete(key));
  }
  return c;
}

export function microsoftSignInAvailable(ctx: AppContext): boolean {
  return Boolean(ctx.staffSignIn);
}

function settingsOrThrow(ctx: AppContext): OidcSettings {
  if (!ctx.staffSignIn) throw new AppError('config', 'Sign in with Microsoft is not configured (set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET)');
  return ctx.staffSignIn;
}

/** Starts a sign-in: remembers state, nonce and the PKCE verifier, and returns where to send the browser. */
export async function beginMicrosoftSignIn(ctx: AppContext, redirectUri: string, nextPath: string): Promise<string> {
  const client = await signInClient(settingsOrThrow(ctx));
  const { url, state, nonce, codeVerifier } = await client.start(redirectUri);
  await insertOidcPending(ctx.db, { state, nonce, codeVerifier, nextPath }, new Date(ctx.now().getTime() - PENDING_TTL_MS));
  return url;
}

/** Finishes a sign-in from the callback URL the browser came back to; returns a new session. */
export async function completeMicrosoftSignIn(
  ctx: AppContext,
  callbackUrl: URL,
  from: { ip?: string } = {},
): Promise<{ sessionToken: string; csrfToken: string; user: Principal; nextPath: string }> {
  const settings = settingsOrThrow(ctx);
  const state = callbackUrl.searchParams.get('state') ?? '';
  const error = callbackUrl.searchParams.get('error');
  const pending = await takeOidcPending(ctx.db, state);
  if (error) throw new AppError('unauthenticated', `Microsoft did not sign you in (${error.slice(0, 80)}). Try again.`);
  if (!pending || pending.createdAt.getTime() < ctx.now().getTime() - PENDING_TTL_MS) {
    throw new AppError('unauthenticated', 'That sign-in link has expired or was already used. Start again.');
  }
  const client = await signInClient(settings);
  let claims: StaffClaims;
  try {
    claims = await client.finish(callbackUrl, { state: pending.state, nonce: pending.nonce, codeVerifier: pending.codeVerifier });
  } catch (err) {
    ctx.logger.warn({ err: (err as Error).message }, 'Microsoft sign-in refused');
    throw new AppError('unauthenticated', 'Microsoft sign-in could not be completed. Start again.');
  }
  const user = await linkStaffUser(ctx, claims);
  const { sessionToken, csrfToken } = await createSession(ctx, user.id);
  await recordAudit(ctx.db, { username: user.username, ip: from.ip }, { action: 'signin', entityType: 'session', entityId: user.id, summary: `${user.username} signed in with Microsoft` });
  return { sessionToken, csrfToken, user, nextPath: pending.nextPath };
}

/** The housing365 user for these claims: linked by Entra object id, else by email, else created. */
export async function linkStaffUser(ctx: AppContext, claims: StaffClaims): Promise<Principal> {
  const actor: Actor = { username: 'microsoft-sign-in' };
  return ctx.db.transaction().execute(async (trx) => {
    // One sign-in at a time per Entra user: two tabs signing in together must not create two users.
    await lockEntraUser(trx, claims.oid);
    let row = await selectUserRowByEntraOid(trx, claims.oid);
    if (!row && claims.email) {
      row = await selectUnlinkedUserRowByEmail(trx, claims.email);
      if (row) {
        // Signing in with Microsoft replaces the one-time password: nothing left to change.
        await linkUserToEntra(trx, row.id, claims.oid);
        await recordAudit(trx, actor, { action: 'user.link', entityType: 'user', entityId: row.id, summary: `User ${row.username} linked to Microsoft account ${claims.username}` });
      }
    }
    const mappings = await selectGroupMappingsFor(trx, claims.groups);
    const mappedRole = mappings.some((m) => m.role === 'admin') ? 'admin' : mappings.some((m) => m.role === 'officer') ? 'officer' : undefined;
    if (!row) {
      const username = await freeUsername(trx, claims.username.toLowerCase());
      const created = await insertUser(trx, { username, displayName: claims.name, email: claims.email ?? null, role: mappedRole ?? 'officer', passwordHash: null, mustChangePassword: false });
      await linkUserToEntra(trx, created.id, claims.oid);
      await recordAudit(trx, actor, { action: 'user.create', entityType: 'user', entityId: created.id, summary: `User ${username} created at first Microsoft sign-in (${created.role})`, after: { username, displayName: claims.name, email: claims.email, role: created.role } });
      row = await selectUserRowById(trx, created.id);
    }
    if (!row.active) throw new AppError('unauthenticated', 'Your housing365 account is switched off. Ask an administrator.');
    if (mappedRole && mappedRole !== row.role) {
      await updateUserRow(trx, row.id, { role: mappedRole });
      await recordAudit(trx, actor, { action: 'user.update', entityType: 'user', entityId: row.id, summary: `Role of ${row.username} set to ${mappedRole} from Entra groups`, before: { role: row.role }, after: { role: mappedRole } });
      row.role = mappedRole;
    }
    // Teams mapped from groups: memberships of mapped teams follow the groups; other teams are untouched.
    const mappedTeams = new Set(mappings.filter((m) => m.teamId !== null).map((m) => m.teamId!));
    const allMappedTeams = await selectMappedTeamIds(trx);
    const current = await selectUserTeamIds(trx, row.id);
    for (const teamId of allMappedTeams) {
      if (mappedTeams.has(teamId) && !current.has(teamId)) {
        await insertTeamMember(trx, teamId, row.id);
        await recordAudit(trx, actor, { action: 'team.member.add', entityType: 'team', entityId: teamId, summary: `${row.username} added to team ${teamId} from Entra groups` });
      } else if (!mappedTeams.has(teamId) && current.has(teamId)) {
        await deleteTeamMember(trx, teamId, row.id);
        await recordAudit(trx, actor, { action: 'team.member.remove', entityType: 'team', entityId: teamId, summary: `${row.username} removed from team ${teamId}: no longer in its Entra group` });
      }
    }
    return { kind: 'user' as const, id: row.id, username: row.username, displayName: row.display_name, role: row.role };
  });
}

async function freeUsername(db: Parameters<typeof selectUserBy>[0], wanted: string): Promise<string> {
  const base = wanted.replace(/[^a-z0-9._@-]/g, '').slice(0, 56) || 'user';
  for (let candidate = base, i = 2; ; candidate = `${base}-${i++}`) {
    if (!(await selectUserBy(db, { username: candidate }))) return candidate;
    if (i > 50) return `${base}-${randomBytes(3).toString('hex')}`;
  }
}

export type GroupMapping = GroupMappingRow;

export function listGroupMappings(ctx: AppContext): Promise<GroupMapping[]> {
  return selectGroupMappings(ctx.db);
}

export async function addGroupMapping(ctx: AppContext, actor: Actor, input: { groupId: string; role?: string; teamCode?: string }): Promise<void> {
  const groupId = input.groupId.trim().toLowerCase();
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(groupId)) {
    throw AppError.validation('groupId', 'Enter the Entra group object id, a GUID like 6f1c2d3e-0000-4000-8000-1234567890ab');
  }
  const role = input.role?.trim() || undefined;
  if (role && role !== 'admin' && role !== 'officer') throw AppError.validation('role', 'Role must be admin or officer');
  let teamId: number | undefined;
  if (input.teamCode?.trim()) {
    teamId = await selectTeamIdByCode(ctx.db, input.teamCode.trim().toUpperCase());
    if (teamId === undefined) throw AppError.validation('teamCode', `There is no team ${input.teamCode}`);
  }
  if (!role && !teamId) throw AppError.validation('role', 'Choose a role, a team, or both for this group');
  await insertGroupMapping(ctx.db, { groupId, role: role ?? null, teamId: teamId ?? null });
  await recordAudit(ctx.db, actor, { action: 'entra.mapping.add', entityType: 'entra_group_mapping', entityId: groupId, summary: `Entra group ${groupId} mapped to ${[role && `role ${role}`, input.teamCode && `team ${input.teamCode.toUpperCase()}`].filter(Boolean).join(' and ')}` });
}

export async function removeGroupMapping(ctx: AppContext, actor: Actor, id: number): Promise<void> {
  const row = await deleteGroupMapping(ctx.db, id);
  if (!row) throw new AppError('not_found', `There is no group mapping ${id}`);
  await recordAudit(ctx.db, actor, { action: 'entra.mapping.remove', entityType: 'entra_group_mapping', entityId: row.groupId, summary: `Mapping of Entra group ${row.groupId} removed` });
}
