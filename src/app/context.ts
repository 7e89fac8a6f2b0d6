import type PgBoss from 'pg-boss';
import type { Config } from '../config.ts';
import type { Db } from '../adapters/db/database.ts';
import type { SqlSandbox } from '../adapters/db/sql-sandbox.ts';
import type { Logger } from '../logger.ts';
import type { GraphGateway } from './ports/graph.ts';

/** Who did something: recorded as `updated_by` and, later, in the audit trail. */
export interface Actor {
  username: string;
}

/** A signed-in staff member or an API token, as the transports see it. */
export interface Principal extends Actor {
  kind: 'user' | 'token';
  id: number;
  displayName: string;
  role: 'admin' | 'officer';
  /** Signed in with a one-time password: must choose a new one before doing anything else. */
  mustChangePassword?: boolean;
}

export type { IntegrationEndpoints } from './ports/graph.ts';
import type { IntegrationEndpoints } from './ports/graph.ts';

/** Everything a use case needs, passed in: use cases never read process.env or open connections. */
export interface AppContext {
  db: Db;
  config: Config;
  logger: Logger;
  /** PEM public keys a licence may be signed with: the product's key, plus the local demo key in demo mode. */
  licencePublicKeys: string[];
  /** Where Graph is: the embedded emulator in demo mode, the real tenant otherwise (filled by later issues). */
  integration?: IntegrationEndpoints;
  /** Microsoft Graph (emulator in demo mode); absent when not configured (CLI commands without Graph, unit tests). */
  graph?: GraphGateway;
  now(): Date;
  /**
   * The job queue (pg-boss) once started; absent in CLI commands and unit tests. Use cases enqueue
   * through it; pass `{ db: … }` send options to enqueue inside the caller's transaction.
   */
  boss?: PgBoss;
  /** Staff sign-in with Microsoft (OpenID Connect): the tenant's, or the emulator's in demo mode. */
  staffSignIn?: import('../adapters/identity/oidc.ts').OidcSettings;
  /**
   * Where admins' event queries run: a connection logging in as a role that reads the guide's views
   * only. Absent: made from config.databaseUrl on first use (app/tasks/event-queries.ts).
   */
  sqlSandbox?: SqlSandbox;
  /**
   * Demo mode only: the loopback URL of this data directory's web server once it listens, where the
   * embedded emulator delivers change notifications when PUBLIC_BASE_URL is not set (issue 18 §4).
   */
  demoWebBase?: () => string | undefined;
}

export const SYSTEM_ACTOR: Actor = { username: 'system' };
