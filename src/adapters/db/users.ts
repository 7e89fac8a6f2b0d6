import type { Db } from './database.ts';
import type { UserRow } from './schema.ts';
import type { Selectable } from 'kysely';

export interface User {
  id: number;
  username: string;
  displayName: string;
  email: string | null;
  role: 'admin' | 'officer';
  active: boolean;
  mustChangePassword: boolean;
  createdAt: Date;
  lastSignInAt: Date | null;
}

export interface Team {
  id: number;
  code: string;
  name: string;
  members: Array<{ id: number; username: string; displayName: string }>;
}

export const toUser = (r: Selectable<UserRow>): User => ({
  id: r.id,
  username: r.username,
  displayName: r.display_name,
  email: r.email,
  role: r.role,
  active: r.active,
  mustChangePassword: r.must_change_password,
  createdAt: r.created_at,
  lastSignInAt: r.last_sign_in_at,
});

export async function selectUsers(db: Db): Promise<User[]> {
  return (await db.selectFrom('users').selectAll().orderBy('username').execute()).map(toUser);
}

export async function selectUserBy(db: Db, by: { id?: number; username?: string }): Promise<(User & { passwordHash: string | null }) | undefined> {
  let q = db.selectFrom('users').selectAll();
  if (by.id !== undefined) q = q.where('id', '=', by.id);
  if (by.username !== undefined) q = q.where('username', '=', by.username);
  const r = await q.executeTakeFirst();
  return r && { ...toUser(r), passwordHash: r.password_hash };
}

export async function insertUser(
  db: Db,
  u: { username: string; displayName: string; email: string | null; role: 'admin' | 'officer'; passwordHash: string | null; mustChangePassword: boolean },
): Promise<User> {
  const r = await db
    .insertInto('users')
    .values({ username: u.username, display_name: u.displayName, email: u.email, role: u.role, password_hash: u.passwordHash, must_change_password: u.mustChangePassword })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toUser(r);
}

export async function updateUserRow(
  db: Db,
  id: number,
  patch: Partial<{ display_name: string; email: string | null; role: 'admin' | 'officer'; active: boolean; password_hash: string; must_change_password: boolean; last_sign_in_at: Date }>,
): Promise<User | undefined> {
  const r = await db.updateTable('users').set(patch).where('id', '=', id).returningAll().executeTakeFirst();
  return r && toUser(r);
}

export async function selectTeams(db: Db): Promise<Team[]> {
  const teams = await db.selectFrom('teams').selectAll().orderBy('code').execute();
  const members = await db
    .selectFrom('team_members')
    .innerJoin('users', 'users.id', 'team_members.user_id')
    .select(['team_members.team_id', 'users.id', 'users.username', 'users.display_name'])
    .orderBy('users.username')
    .execute();
  return teams.map((t) => ({
    id: t.id,
    code: t.code,
    name: t.name,
    members: members.filter((m) => m.team_id === t.id).map((m) => ({ id: m.id, username: m.username, displayName: m.display_name })),
  }));
}

export async function selectTeamIdByCode(db: Db, code: string): Promise<number | undefined> {
  return (await db.selectFrom('teams').select('id').where('code', '=', code).executeTakeFirst())?.id;
}

export async function selectTeamCodeById(db: Db, id: number): Promise<string | undefined> {
  return (await db.selectFrom('teams').select('code').where('id', '=', id).executeTakeFirst())?.code;
}

export async function insertTeam(db: Db, t: { code: string; name: string }): Promise<void> {
  await db.insertInto('teams').values(t).execute();
}

export async function selectUserTeamIds(db: Db, userId: number): Promise<Set<number>> {
  const rows = await db.selectFrom('team_members').select('team_id').where('user_id', '=', userId).execute();
  return new Set(rows.map((m) => m.team_id));
}

/** Adds a member; a member already in the team stays as they are. */
export async function insertTeamMember(db: Db, teamId: number, userId: number): Promise<void> {
  await db.insertInto('team_members').values({ team_id: teamId, user_id: userId }).onConflict((oc) => oc.doNothing()).execute();
}

/** Removes a member; false when they were not in the team. */
export async function deleteTeamMember(db: Db, teamId: number, userId: number): Promise<boolean> {
  const res = await db.deleteFrom('team_members').where('team_id', '=', teamId).where('user_id', '=', userId).executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}

export async function anyUserExists(db: Db): Promise<boolean> {
  return Boolean(await db.selectFrom('users').select('id').limit(1).executeTakeFirst());
}
