import type { Db } from './database.ts';

// Browser sessions. `id` is the SHA-256 of the cookie (the app hashes it): the table never holds a
// live credential.

export interface SessionRow {
  id: string;
  userId: number;
  csrfToken: string;
  lastSeenAt: Date;
  expiresAt: Date;
  userActive: boolean;
}

export async function insertSession(db: Db, s: { id: string; userId: number; csrfToken: string; expiresAt: Date }): Promise<void> {
  await db.insertInto('sessions').values({ id: s.id, user_id: s.userId, csrf_token: s.csrfToken, expires_at: s.expiresAt }).execute();
}

export async function selectSession(db: Db, id: string): Promise<SessionRow | undefined> {
  const r = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select(['sessions.id', 'sessions.csrf_token', 'sessions.last_seen_at', 'sessions.expires_at', 'users.id as user_id', 'users.active'])
    .where('sessions.id', '=', id)
    .executeTakeFirst();
  return r && { id: r.id, userId: r.user_id, csrfToken: r.csrf_token, lastSeenAt: r.last_seen_at, expiresAt: r.expires_at, userActive: r.active };
}

export async function touchSession(db: Db, id: string, at: Date): Promise<void> {
  await db.updateTable('sessions').set({ last_seen_at: at }).where('id', '=', id).execute();
}

export async function deleteSession(db: Db, id: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', id).execute();
}

/**
 * Ends a user's browser sessions: all of them, or all but one (the session that changed the password
 * stays signed in). `exceptId` is the stored id (the SHA-256 of the cookie), never the cookie itself.
 */
export async function deleteUserSessions(db: Db, userId: number, opts: { exceptId?: string } = {}): Promise<number> {
  let q = db.deleteFrom('sessions').where('user_id', '=', userId);
  if (opts.exceptId) q = q.where('id', '<>', opts.exceptId);
  const r = await q.executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Refused sign-ins since `since` for one username (`actor`) or from one address (`source_ip`), from the audit trail. */
export async function countRefusedSignIns(db: Db, by: { actor: string } | { sourceIp: string }, since: Date): Promise<number> {
  let q = db.selectFrom('audit_events').select((eb) => eb.fn.countAll().as('n')).where('action', '=', 'signin.failed').where('at', '>', since);
  q = 'actor' in by ? q.where('actor', '=', by.actor) : q.where('source_ip', '=', by.sourceIp);
  return Number((await q.executeTakeFirstOrThrow()).n);
}

const LOCAL_SIGNIN_KEY = 'local_signin';

export async function selectLocalSignIn(db: Db): Promise<'on' | 'off'> {
  const row = await db.selectFrom('app_settings').select('value').where('key', '=', LOCAL_SIGNIN_KEY).executeTakeFirst();
  return row?.value === 'off' ? 'off' : 'on';
}

export async function upsertLocalSignIn(db: Db, value: 'on' | 'off', at: Date): Promise<void> {
  await db
    .insertInto('app_settings')
    .values({ key: LOCAL_SIGNIN_KEY, value })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: at }))
    .execute();
}
