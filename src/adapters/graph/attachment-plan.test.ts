// The routes of issue 15 §1: Graph caps a request at 4 MB and files travel base64 (4/3 larger), so the
// budget is on the encoded size, and upload sessions start at 3 MB.
import { describe, expect, it } from 'vitest';
import { encodedAttachmentBytes, nextExpectedStart, planAttachments, REQUEST_BUDGET_BYTES } from './attachment-plan.ts';

const MiB = 1024 * 1024;
const file = (size: number, name = 'f.pdf') => ({ name, contentType: 'application/pdf', size });

describe('planAttachments', () => {
  it('puts three 1 MiB files two in the create request and the third alone', () => {
    expect(planAttachments(500, [file(MiB), file(MiB), file(MiB)])).toEqual(['draft', 'draft', 'post']);
  });
  it('puts two 1.5 MiB files one in the create request, one alone', () => {
    expect(planAttachments(500, [file(1.5 * MiB), file(1.5 * MiB)])).toEqual(['draft', 'post']);
  });
  it('sends 3 MiB and 2.9 MiB by upload session', () => {
    expect(planAttachments(500, [file(3 * MiB), file(Math.round(2.9 * MiB))])).toEqual(['session', 'session']);
  });
  it('counts the body: 2.9 MB with a 200 kB body goes alone, without it in the create request', () => {
    expect(planAttachments(200_500, [file(2_900_000)])).toEqual(['post']);
    expect(planAttachments(500, [file(2_900_000)])).toEqual(['draft']);
  });
  it('keeps every create request and every lone POST under the cap', () => {
    for (const size of [0, 1, 2_999_999]) {
      expect(encodedAttachmentBytes(file(size, 'n'.repeat(255)))).toBeLessThan(4 * MiB);
    }
    const routes = planAttachments(1000, Array.from({ length: 10 }, () => file(900_000)));
    const inline = routes.filter((r) => r === 'draft').length;
    expect(1000 + inline * encodedAttachmentBytes(file(900_000))).toBeLessThanOrEqual(REQUEST_BUDGET_BYTES);
  });
});

describe('nextExpectedStart', () => {
  it('reads Outlook\'s "start" and OneDrive\'s "start-end" forms', () => {
    expect(nextExpectedStart(['2949120'])).toBe(2949120);
    expect(nextExpectedStart(['12345-'])).toBe(12345);
    expect(nextExpectedStart([])).toBeUndefined();
    expect(nextExpectedStart(undefined)).toBeUndefined();
  });
});
