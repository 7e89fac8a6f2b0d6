// Subscription `resource` strings → what changes they cover.
// https://learn.microsoft.com/graph/api/resources/webhooks (Outlook message and event paths)
import { GraphError } from '../contracts.ts';
import type { ChangeEvent, EmulatorState } from '../contracts.ts';
import { findFolder, findUser } from '../state.ts';
import type { SubscriptionState, SubscriptionTarget } from './model.ts';

function unsupported(resource: string): GraphError {
  return new GraphError(400, 'InvalidRequest', `Resource '${resource}' is not supported for change notifications by the emulator.`);
}

/**
 * Accepted (leading slash optional, case-insensitive segments):
 *   users/{id|upn}/messages
 *   users/{id|upn}/mailFolders('{id|wellKnownName}')/messages
 *   users/{id|upn}/mailFolders/{id|wellKnownName}/messages
 *   users/{id|upn}/events   (also users/{id}/calendar/events)
 * `me/...` needs a delegated token, which the emulator's client-credentials apps don't have.
 */
export function parseResource(state: EmulatorState, resource: string): SubscriptionTarget {
  const path = resource.replace(/^\/+/, '').split('?')[0]!.replace(/\/+$/, '');
  if (/^me(\/|$)/i.test(path)) {
    throw new GraphError(400, 'InvalidRequest', '/me request is only valid with delegated authentication flow.');
  }
  // users('x') and users/x are both OData-legal.
  const m = /^users(?:\('([^']+)'\)|\/([^/]+))\/(.+)$/i.exec(path);
  if (!m) throw unsupported(resource);
  const userKey = decodeURIComponent(m[1] ?? m[2]!);
  const user = findUser(state, userKey);
  if (!user) throw new GraphError(404, 'ErrorInvalidUser', `The requested user '${userKey}' is invalid.`);
  const rest = m[3]!;
  if (/^messages$/i.test(rest)) return { userId: user.id, kind: 'messages' };
  if (/^(calendar\/)?events$/i.test(rest)) return { userId: user.id, kind: 'events' };
  const f = /^mailFolders(?:\('([^']+)'\)|\/([^/]+))\/messages$/i.exec(rest);
  if (f) {
    const key = decodeURIComponent(f[1] ?? f[2]!);
    const folder = findFolder(user, key);
    if (!folder) throw new GraphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
    return { userId: user.id, kind: 'messages', folderId: folder.id };
  }
  throw unsupported(resource);
}

/** Roles that allow reading the resource (any-of). */
export function rolesFor(target: SubscriptionTarget): string[] {
  // "Creating a subscription requires read scope to the resource … MS Graph Subscriptions will not be
  // able to support write access permissions where only read access privileges are needed"
  // (graph/api/subscription-post-subscriptions): Mail.ReadWrite / Calendars.ReadWrite alone are refused.
  return target.kind === 'messages' ? ['Mail.ReadBasic', 'Mail.ReadBasic.All', 'Mail.Read'] : ['Calendars.Read'];
}

export function covers(sub: SubscriptionState, change: ChangeEvent): boolean {
  const t = sub.target;
  if (t.userId !== change.userId || t.kind !== change.resource) return false;
  if (t.folderId && t.folderId !== change.folderId) return false;
  return sub.changeType.split(',').map((s) => s.trim()).includes(change.changeType);
}
