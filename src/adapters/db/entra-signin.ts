import { sql, type Selectable } from 'kysely';
import type { Db } from './database.ts';
import type { UserRow } from './schema.ts';

// SQL of "Sign in with Microsoft": the pending OIDC logins (state, nonce, PKCE verifier), the user an
// Entra account links to, and the Entra group → role/team mappings.

export interface OidcPending {
  state: string;
  nonce: string;
  codeVerifier: string;
  nextPath: string;
  createdAt: Date;
}

export async function insertOidcPending(db: Db, p: Omit<OidcPending, 'createdAt'>, expiredBefore: Date): Promise<void> {
  await db.deleteFrom('oidc_pending').where('created_at', '<', expiredBefore).execute();
  await db.insertInto('oidc_pending').values({ state: p.state, nonce: p.nonce, code_verifier: p.codeVerifier, next_path: p.nextPath }).execute();
}

/** Removes and returns the pending sign-in for this state: each state can be used once. */
export async function takeOidcPending(db: Db, state: string): Promise<OidcPending | undefined> {
  const r = await db.deleteFrom('oidc_pending').where('state', '=', state).returningAll().executeTakeFirst();
  return r && { state: r.state, nonce: r.nonce, codeVerifier: r.code_verifier, nextPath: r.next_path, createdAt: r.created_at };
}

/** Serialises sign-ins of one Entra user (two tabs at once must not create two users); ends with the transaction. */
export async function lockEntraUser(trx: Db, oid: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${`entra:${oid}`}))`.execute(trx);
}

export async function selectUserRowByEntraOid(db: Db, oid: string): Promise<Selectable<UserRow> | undefined> {
  return db.selectFrom('users').selectAll().where('entra_oid', '=', oid).executeTakeFirst();
}

export async function selectUserRowById(db: Db, id: number): Promise<Selectable<UserRow>> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

/** A user with this email (any case) not yet linked to an Entra account. */
export async function selectUnlinkedUserRowByEmail(db: Db, email: string): Promise<Selectable<UserRow> | undefined> {
  return db.selectFrom('users').selectAll().where(sql`lower(email)`, '=', email.toLowerCase()).where('entra_oid', 'is', null).executeTakeFirst();
}

/** Links a user to an Entra account; signing in with Microsoft replaces a one-time password. */
export async function linkUserToEntra(db: Db, userId: number, oid: string): Promise<void> {
  await db.updateTable('users').set({ entra_oid: oid, must_change_password: false }).where('id', '=', userId).execute();
}

export interface GroupMappingRow {
  id: number;
  groupId: string;
  role: 'admin' | 'officer' | null;
  teamId: number | null;
  teamCode: string | null;
}

/** Mappings of these Entra group ids (compared case-insensitively). */
export async function selectGroupMappingsFor(db: Db, groupIds: string[]): Promise<GroupMappingRow[]> {
  if (groupIds.length === 0) return [];
  const rows = await db.selectFrom('entra_group_mappings').selectAll().where(sql`lower(group_id)`, 'in', groupIds.map((g) => g.toLowerCase())).execute();
  return rows.map((r) => ({ id: r.id, groupId: r.group_id, role: r.role as GroupMappingRow['role'], teamId: r.team_id, teamCode: null }));
}

export async function selectGroupMappings(db: Db): Promise<GroupMappingRow[]> {
  const rows = await db
    .selectFrom('entra_group_mappings')
    .leftJoin('teams', 'teams.id', 'entra_group_mappings.team_id')
    .select(['entra_group_mappings.id', 'group_id', 'role', 'team_id', 'teams.code'])
    .orderBy('entra_group_mappings.id')
    .execute();
  return rows.map((r) => ({ id: r.id, groupId: r.group_id, role: r.role as GroupMappingRow['role'], teamId: r.team_id, teamCode: r.code }));
}

/** Every team some Entra group is mapped to: memberships of these teams follow the groups. */
export async function selectMappedTeamIds(db: Db): Promise<Set<number>> {
  const rows = await db.selectFrom('entra_group_mappings').select('team_id').where('team_id', 'is not', null).execute();
  return new Set(rows.map((m) => m.team_id!));
}

export async function insertGroupMapping(db: Db, m: { groupId: string; role: string | null; teamId: number | null }): Promise<void> {
  await db.insertInto('entra_group_mappings').values({ group_id: m.groupId, role: m.role, team_id: m.teamId }).execute();
}

export async function deleteGroupMapping(db: Db, id: number): Promise<{ groupId: string } | undefined> {
  const r = await db.deleteFrom('entra_group_mappings').where('id', '=', id).returningAll().executeTakeFirst();
  return r && { groupId: r.group_id };
}
