import { describe, expect, it } from 'vitest';
import { whenIn } from './task-page-kit.tsx';

describe('times on the pages', () => {
  it('shows a UTC instant in the organisation\'s zone with the zone named, across the clock change', () => {
    expect(whenIn(new Date('2026-12-04T19:47:00Z'), 'Europe/London')).toBe('Fri 4 Dec 2026, 19:47 GMT');
    expect(whenIn(new Date('2026-07-01T08:05:00Z'), 'Europe/London')).toBe('Wed 1 Jul 2026, 09:05 BST');
  });
});
