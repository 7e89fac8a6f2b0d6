// Row types: system parameters, FRVs, licences, users, teams, sessions, API tokens, settings, audit,
// Entra group mappings and sign-in state.
import type { Generated } from 'kysely';
import type { Timestamp, NullableTimestamp } from './columns.ts';

export interface SystemParameterRow {
  name: string;
  value: string | null;
  updated_at: Timestamp;
  updated_by: string | null;
}

export interface FrvValueRow {
  domain: string;
  code: string;
  description: string;
  active: Generated<boolean>;
  sort_order: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** When the value was added or last activated (an inbox's first-read cut-off, migration 0016). */
  active_since: Timestamp;
}

export interface AppointmentReasonRow {
  code: string;
  description: string;
  kind: string;
  active: Generated<boolean>;
  created_at: Timestamp;
}

export interface LicenceRow {
  id: Generated<number>;
  licence_key: string;
  customer: string;
  features: string[];
  expires_at: Timestamp;
  installed_at: Timestamp;
  installed_by: string | null;
  active: Generated<boolean>;
}

export interface UserRow {
  id: Generated<number>;
  username: string;
  display_name: string;
  email: string | null;
  password_hash: string | null;
  role: 'admin' | 'officer';
  active: Generated<boolean>;
  must_change_password: Generated<boolean>;
  created_at: Timestamp;
  last_sign_in_at: NullableTimestamp;
  entra_oid: string | null;
}

export interface TeamRow {
  id: Generated<number>;
  code: string;
  name: string;
  created_at: Timestamp;
}

export interface TeamMemberRow {
  team_id: number;
  user_id: number;
}

export interface SessionRow {
  id: string; // sha256 of the cookie value: a stolen database does not yield live sessions
  user_id: number;
  csrf_token: string;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
}

export interface ApiTokenRow {
  id: Generated<number>;
  name: string;
  token_hash: string;
  role: 'admin' | 'officer';
  created_at: Timestamp;
  last_used_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
}

export interface KeyValueRow {
  key: string;
  value: string;
  updated_at: Timestamp;
}

export interface AuditEventRow {
  id: Generated<number>;
  at: Timestamp;
  actor: string;
  action: string;
  entity_type: string;
  entity_id: string | null;
  summary: string;
  before: unknown | null;
  after: unknown | null;
  source_ip: string | null;
  /** The task the event is about (visibility: adapters/db/visibility.ts). */
  task_id: number | null;
}

export interface EntraGroupMappingRow {
  id: Generated<number>;
  group_id: string;
  role: string | null;
  team_id: number | null;
  created_at: Timestamp;
}

export interface OidcPendingRow {
  state: string;
  nonce: string;
  code_verifier: string;
  next_path: string;
  created_at: Timestamp;
}
