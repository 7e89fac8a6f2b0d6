import { sql, type Kysely } from 'kysely';

// Staff sign-in with Microsoft Entra ID: users linked by their Entra object id (oid), group → role /
// team mappings re-applied at each sign-in, sign-in requests in flight (state, nonce, PKCE verifier —
// kept in the database so any web process can finish a sign-in another one started).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE users ADD COLUMN entra_oid text UNIQUE;

    CREATE TABLE entra_group_mappings (
      id serial PRIMARY KEY,
      group_id text NOT NULL CHECK (group_id ~ '^[0-9a-fA-F-]{36}$'),
      role text CHECK (role IN ('admin', 'officer')),
      team_id integer REFERENCES teams(id) ON DELETE CASCADE,
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK (role IS NOT NULL OR team_id IS NOT NULL)
    );
    CREATE INDEX entra_group_mappings_group_idx ON entra_group_mappings (lower(group_id));

    CREATE TABLE oidc_pending (
      state text PRIMARY KEY,
      nonce text NOT NULL,
      code_verifier text NOT NULL,
      next_path text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
  `.execute(db);
}
