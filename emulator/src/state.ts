/**
 * The tenant as data: seed parsing, users and their mailboxes. Pure functions over EmulatorState.
 */
import { readFileSync } from 'node:fs';
import type { AppState, EmulatorState, MailFolderState, UserState } from './contracts.ts';
import { newGuid, newImmutableId } from './ids.ts';

export interface Seed {
  tenant: { id?: string; domain: string; displayName?: string };
  users: {
    id?: string;
    userPrincipalName: string;
    displayName?: string;
    mail?: string;
    givenName?: string;
    surname?: string;
    jobTitle?: string;
    password?: string;
    groups?: string[];
    sendAs?: string[];
  }[];
  apps: (Omit<AppState, 'roles'> & { roles?: string[] })[];
}

export function readSeed(seed: Seed | string): Seed {
  const s: Seed = typeof seed === 'string' ? JSON.parse(readFileSync(seed, 'utf8')) : structuredClone(seed);
  if (!s || typeof s !== 'object' || !s.tenant || typeof s.tenant.domain !== 'string') {
    throw new Error('seed: "tenant.domain" is required');
  }
  if (!Array.isArray(s.users)) s.users = [];
  if (!Array.isArray(s.apps)) s.apps = [];
  for (const [i, u] of s.users.entries()) {
    if (typeof u.userPrincipalName !== 'string' || !u.userPrincipalName.includes('@')) {
      throw new Error(`seed: users[${i}].userPrincipalName must be an address`);
    }
  }
  for (const [i, a] of s.apps.entries()) {
    if (typeof a.clientId !== 'string' || !a.clientId) throw new Error(`seed: apps[${i}].clientId is required`);
  }
  return s;
}

/** Display names and well-known names of the folders every mailbox starts with. */
const defaultFolders: [wellKnownName: string, displayName: string, hidden?: boolean][] = [
  ['inbox', 'Inbox'],
  ['drafts', 'Drafts'],
  ['sentitems', 'Sent Items'],
  ['deleteditems', 'Deleted Items'],
  ['junkemail', 'Junk Email'],
  ['outbox', 'Outbox'],
  ['archive', 'Archive'],
];

export const wellKnownFolderNames = new Set(['msgfolderroot', ...defaultFolders.map((f) => f[0])]);

export function newFolder(displayName: string, parentFolderId: string, wellKnownName?: string, isHidden = false): MailFolderState {
  return { id: newImmutableId('folder'), displayName, parentFolderId, wellKnownName, isHidden, log: [] };
}

export function createUser(seedUser: Seed['users'][number]): UserState {
  const root = newFolder('Top of Information Store', '', 'msgfolderroot', true);
  const folders: Record<string, MailFolderState> = { [root.id]: root };
  for (const [wk, name, hidden] of defaultFolders) {
    const f = newFolder(name, root.id, wk, hidden ?? false);
    folders[f.id] = f;
  }
  const upn = seedUser.userPrincipalName;
  return {
    id: seedUser.id ?? newGuid(),
    userPrincipalName: upn,
    displayName: seedUser.displayName ?? upn.split('@')[0],
    mail: seedUser.mail ?? upn,
    givenName: seedUser.givenName,
    surname: seedUser.surname,
    jobTitle: seedUser.jobTitle,
    password: seedUser.password,
    groups: seedUser.groups,
    sendAs: seedUser.sendAs,
    mailbox: { seq: 0, folders, messages: {}, regularIds: {}, deltaEpoch: 0, generation: newGuid() },
    calendar: undefined,
  };
}

/** `keepIds`: userPrincipalName (lower case) → id to reuse, so a reset keeps user ids stable. */
export function stateFromSeed(seed: Seed, keepIds: Map<string, string> = new Map()): EmulatorState {
  const users: Record<string, UserState> = {};
  for (const su of seed.users) {
    const u = createUser({ ...su, id: su.id ?? keepIds.get(su.userPrincipalName.toLowerCase()) });
    users[u.id] = u;
  }
  return {
    version: 1,
    tenant: { id: seed.tenant.id ?? keepIds.get('#tenant') ?? newGuid(), domain: seed.tenant.domain, displayName: seed.tenant.displayName },
    apps: seed.apps.map((a) => ({ ...a, roles: a.roles ?? [] })),
    users,
    outbound: [],
    modules: {},
    clockOffsetMs: 0,
  };
}

/** By id or userPrincipalName/mail (case-insensitive), as Graph's `/users/{id | userPrincipalName}`. */
export function findUser(state: EmulatorState, idOrUpn: string): UserState | undefined {
  const direct = state.users[idOrUpn];
  if (direct) return direct;
  const k = idOrUpn.toLowerCase();
  for (const u of Object.values(state.users)) {
    if (u.id.toLowerCase() === k || u.userPrincipalName.toLowerCase() === k || u.mail.toLowerCase() === k) return u;
  }
  return undefined;
}

export function findUserByAddress(state: EmulatorState, address: string): UserState | undefined {
  const k = address.trim().toLowerCase();
  for (const u of Object.values(state.users)) {
    if (u.mail.toLowerCase() === k || u.userPrincipalName.toLowerCase() === k) return u;
  }
  return undefined;
}

/** Folder by id or well-known name. */
export function findFolder(user: UserState, idOrName: string): MailFolderState | undefined {
  const f = user.mailbox.folders[idOrName];
  if (f) return f;
  const k = idOrName.toLowerCase();
  for (const folder of Object.values(user.mailbox.folders)) {
    if (folder.wellKnownName === k) return folder;
  }
  return undefined;
}

export function wellKnownFolder(user: UserState, name: string): MailFolderState {
  const f = findFolder(user, name);
  if (!f) throw new Error(`mailbox ${user.userPrincipalName} has no ${name} folder`);
  return f;
}
