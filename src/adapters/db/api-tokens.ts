import type { Db } from './database.ts';

// API bearer tokens: the organisation's, not a user's. Only the SHA-256 of a token is stored.

export interface ApiTokenRow {
  id: number;
  name: string;
  role: 'admin' | 'officer';
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

export async function insertApiToken(db: Db, t: { name: string; role: 'admin' | 'officer'; tokenHash: string }): Promise<number> {
  const row = await db.insertInto('api_tokens').values({ name: t.name, role: t.role, token_hash: t.tokenHash }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function selectApiTokens(db: Db): Promise<ApiTokenRow[]> {
  return db.selectFrom('api_tokens').select(['id', 'name', 'role', 'created_at', 'last_used_at', 'revoked_at']).orderBy('id').execute();
}

/** The live (not revoked) token with this hash. */
export async function selectLiveApiToken(db: Db, tokenHash: string): Promise<ApiTokenRow | undefined> {
  return db.selectFrom('api_tokens').select(['id', 'name', 'role', 'created_at', 'last_used_at', 'revoked_at']).where('token_hash', '=', tokenHash).where('revoked_at', 'is', null).executeTakeFirst();
}

export async function touchApiToken(db: Db, id: number, at: Date): Promise<void> {
  await db.updateTable('api_tokens').set({ last_used_at: at }).where('id', '=', id).execute();
}

/** Revokes a live token; false when there is none with that id. */
export async function revokeApiTokenRow(db: Db, id: number, at: Date): Promise<boolean> {
  const res = await db.updateTable('api_tokens').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}
