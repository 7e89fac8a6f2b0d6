import type { Db } from './database.ts';

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
