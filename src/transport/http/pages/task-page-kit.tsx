import type { TaskStatus } from '../../../domain/tasks/status.ts';

// What the Task Manager pages share: the status colours and how a time reads.

export const STATUS_COLOUR: Record<TaskStatus, 'blue' | 'yellow' | 'green'> = { open: 'blue', pending: 'yellow', complete: 'green' };
export const when = (d: Date) => d.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
