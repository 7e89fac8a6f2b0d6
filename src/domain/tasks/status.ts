// Task statuses as data (STYLE.md: state machines are one table, checked in one function).
// Guide §2.2.1: "standard Task Manager functions such as Set to Complete, Set to Pending"; a reply
// to a task's email moves it back to open.

export const TASK_STATUSES = ['open', 'pending', 'complete'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const TASK_STATUS_LABELS: Record<TaskStatus, string> = { open: 'Open', pending: 'Pending', complete: 'Complete' };

/** from → the statuses it may move to. */
export const TASK_TRANSITIONS: Readonly<Record<TaskStatus, readonly TaskStatus[]>> = Object.freeze({
  open: ['pending', 'complete'],
  pending: ['open', 'complete'],
  complete: ['open'],
});

export function isTaskStatus(s: unknown): s is TaskStatus {
  return typeof s === 'string' && (TASK_STATUSES as readonly string[]).includes(s);
}

/** null when the move is allowed, else the reason in words. */
export function transitionProblem(from: TaskStatus, to: TaskStatus): string | null {
  if (from === to) return `The task is already ${TASK_STATUS_LABELS[to].toLowerCase()}`;
  if (TASK_TRANSITIONS[from].includes(to)) return null;
  return `A ${TASK_STATUS_LABELS[from].toLowerCase()} task cannot be set to ${TASK_STATUS_LABELS[to].toLowerCase()}; it can be set to ${TASK_TRANSITIONS[from].map((s) => TASK_STATUS_LABELS[s].toLowerCase()).join(' or ')}`;
}
