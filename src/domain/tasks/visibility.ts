// Who may see a case (issue 5, issue 13 §2; docs/security-visibility.md). This is the one policy:
// - a task of a restricted job group (ASB, safeguarding) only the members of that group's teams —
//   admins included only through such a team;
// - any other task its team, its assignee and admins;
// - what a task produced (its emails, the replies to it in the outbox, its audit events) follows the
//   task; mail of an inbox not yet a task (parked mail, sync errors) follows the job group of the
//   inbox's EML_<INBOX> event type (restricted: its teams only);
// - the CLI operator (on the server, holding the database credentials) sees everything.
// canSeeTask is the one-task check; adapters/db/visibility.ts is the same rule as SQL for every query
// that lists task-derived rows. Change both together (the tests in test/security/ cover each surface).

export interface Viewer {
  userId: number;
  isAdmin: boolean;
  teamIds: readonly number[];
  /** The CLI on the server: it holds the database credentials, so hiding rows from it protects nothing. */
  operator?: true;
}

/** What a viewer outside a restricted inbox's teams reads instead of a sync error of that inbox. */
export const RESTRICTED_DETAIL = 'details hidden: this inbox raises tasks of a restricted job group, and only its teams see them';

/** The housing365 CLI as a viewer. */
export const OPERATOR_VIEWER: Viewer = { userId: -1, isAdmin: true, teamIds: [], operator: true };

export interface TaskAccessFacts {
  teamId: number | null;
  assigneeUserId: number | null;
  restricted: boolean;
  /** The teams of the task's job group (only matters when restricted). */
  groupTeamIds: readonly number[];
}

export function canSeeTask(viewer: Viewer, task: TaskAccessFacts): boolean {
  if (viewer.operator) return true;
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
