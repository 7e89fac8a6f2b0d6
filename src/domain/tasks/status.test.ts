import { describe, expect, it } from 'vitest';
import { TASK_STATUSES, TASK_TRANSITIONS, transitionProblem } from './status.ts';

describe('task status table', () => {
  it('allows exactly open → pending/complete, pending → open/complete, complete → open', () => {
    const allowed = TASK_STATUSES.flatMap((from) => TASK_STATUSES.filter((to) => transitionProblem(from, to) === null).map((to) => `${from}→${to}`));
    expect(allowed).toEqual(['open→pending', 'open→complete', 'pending→open', 'pending→complete', 'complete→open']);
    expect(Object.keys(TASK_TRANSITIONS)).toEqual([...TASK_STATUSES]);
  });

  it('names the moves that are possible when refusing one', () => {
    expect(transitionProblem('complete', 'pending')).toBe('A complete task cannot be set to pending; it can be set to open');
    expect(transitionProblem('open', 'open')).toBe('The task is already open');
  });
});
