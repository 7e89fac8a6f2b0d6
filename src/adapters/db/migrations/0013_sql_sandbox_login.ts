import { sql, type Kysely } from 'kysely';

// Event queries (admin SQL, guide §2.2.4) run on a connection of their own that logs in as a role
// which may read the guide's views and nothing else (adapters/db/sql-sandbox.ts). Where housing365
// makes that role itself (its database user may create roles), the role's generated password is kept
// here, for every housing365 process on this database to log in with. Only the owner (the app's own
// role) reads it: PUBLIC — and so the sandbox role — has no rights on it.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE sql_sandbox_login (
      role_name text PRIMARY KEY,
      password text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    REVOKE ALL ON sql_sandbox_login FROM PUBLIC;
  `.execute(db);
}
