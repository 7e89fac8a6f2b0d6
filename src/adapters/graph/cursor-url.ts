/**
 * Delta cursors that outlive a change of Graph's address (issue 14 §1, DESIGN "Cursors outlive
 * restarts"). Graph's nextLink / deltaLink are absolute URLs; stored as they are, they name the host
 * and port they came from — the demo emulator's port of the last start, or a GRAPH_BASE_URL since
 * changed — and every later run would call an address that is gone. So a cursor is stored as the path
 * and query below the Graph base URL (`/users/x/mailFolders/inbox/messages/delta?$deltatoken=…`),
 * which the transport puts under whatever the base URL is now.
 *
 * A cursor stored absolute (before this rule) is used when it lies under the current base URL; one
 * under another address cannot be trusted to reach the same tenant and is reported as an expired
 * cursor, so the sync starts over cleanly (a full resync, reconciled by id) and stores a relative
 * cursor from then on — never a retry loop against the old address.
 */
import { GraphCursorExpired } from './errors.ts';

const absolute = /^https?:\/\//i;

/** The base URL's origin and path, without a trailing slash. */
function splitBase(baseUrl: string): { origin: string; path: string } {
  const u = new URL(baseUrl);
  return { origin: u.origin, path: u.pathname.replace(/\/+$/, '') };
}

/** The link below `baseUrl` as `/path?query`, or undefined when it lies elsewhere. */
function below(baseUrl: string, link: string): string | undefined {
  let u: URL;
  try {
    u = new URL(link);
  } catch {
    return undefined;
  }
  const base = splitBase(baseUrl);
  if (u.origin !== base.origin) return undefined;
  if (base.path && u.pathname !== base.path && !u.pathname.startsWith(`${base.path}/`)) return undefined;
  return `${u.pathname.slice(base.path.length) || '/'}${u.search}`;
}

/**
 * What to store for a link Graph has just returned: relative to the base URL. A link on another host
 * (GRAPH_BASE_URL is a proxy whose Graph writes its own address into links) is cut after the API
 * version segment the base URL ends with (`/v1.0`), as the proxy would forward it; only a link with
 * neither is kept whole (and `requestPathOf` answers it with a resync).
 */
export function cursorOf(baseUrl: string, link: string): string {
  if (!absolute.test(link)) return link;
  const rel = below(baseUrl, link);
  if (rel !== undefined) return rel;
  const version = splitBase(baseUrl).path.split('/').pop();
  try {
    const u = new URL(link);
    const at = version ? u.pathname.indexOf(`/${version}/`) : -1;
    if (at >= 0) return `${u.pathname.slice(at + version!.length + 1)}${u.search}`;
  } catch {
    // not a URL: kept as it is
  }
  return link;
}

/**
 * The request path for a stored cursor: a relative one as it is; an absolute one (stored before
 * cursors were relative) when it lies below the current base URL. Under any other address it throws
 * GraphCursorExpired, which every sync answers with a clean full resync.
 */
export function requestPathOf(baseUrl: string, cursor: string): string {
  if (!absolute.test(cursor)) return cursor.startsWith('/') ? cursor : `/${cursor}`;
  const rel = below(baseUrl, cursor);
  if (rel !== undefined) return rel;
  throw new GraphCursorExpired(`the stored delta cursor points at another Graph address than ${baseUrl} (Graph base URL or emulator port changed); reading again from the start`, 'cursorBaseChanged');
}
