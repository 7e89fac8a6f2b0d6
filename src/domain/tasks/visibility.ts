// Who may see a task (issue 5): its team, its assignee and admins; a task of a restricted job group
// (ASB, safeguarding) only the members of that group's teams — admins included only through a team.
// The same rule is written as SQL in adapters/db/tasks.ts for lists; this is the one-task check.

export interface Viewer {
  userId: number;
  isAdmin: boolean;
  teamIds: readonly number[];
}

export interface TaskAccessFacts {
  teamId: number | null;
  assigneeUserId: number | null;
  restricted: boolean;
  /** The teams of the task's job group (only matters when restricted). */
  groupTeamIds: readonly number[];
}

export function canSeeTask(viewer: Viewer, task: TaskAccessFacts): boolean {
  if (task.restricted) return task.groupTeamIds.some((t) => viewer.teamIds.includes(t));
  if (viewer.isAdmin) return true;
  if (task.assigneeUserId === viewer.userId) return true;
  return task.teamId !== null && viewer.teamIds.includes(task.teamId);
}

/** Whether a task of a restricted group may be given to this team / person (they must be able to see it). */
export function assigneeProblem(task: Pick<TaskAccessFacts, 'restricted' | 'groupTeamIds'>, to: { teamId?: number | null; userTeamIds?: readonly number[] }): string | null {
  if (!task.restricted) return null;
  if (to.teamId != null && !task.groupTeamIds.includes(to.teamId)) return 'This task belongs to a restricted job group: it can only be assigned to one of the group\'s teams';
  if (to.userTeamIds && !to.userTeamIds.some((t) => task.groupTeamIds.includes(t))) return 'This task belongs to a restricted job group: it can only be assigned to a member of one of the group\'s teams';
  return null;
}
