import { teamIdsOfUser } from '../../adapters/db/task-setup.ts';
import type { Viewer } from '../../domain/tasks/visibility.ts';
import type { AppContext, Principal } from '../context.ts';

/**
 * The principal as Task Manager sees it. An API token is no person and belongs to no team: an admin
 * token sees what admins see (never restricted groups), an officer token sees nothing.
 */
export async function viewerOf(ctx: AppContext, principal: Principal): Promise<Viewer> {
  if (principal.kind !== 'user') return { userId: -1, isAdmin: principal.role === 'admin', teamIds: [] };
  return { userId: principal.id, isAdmin: principal.role === 'admin', teamIds: await teamIdsOfUser(ctx.db, principal.id) };
}
