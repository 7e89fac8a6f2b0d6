/**
 * The case reference a conversation carries in its subject, e.g. `[ASB-123]`: the inbox code and the
 * task number. Optional per inbox (inbox_conversation.subject_reference). It is the last resort of
 * threading (after In-Reply-To/References and conversationId), and it is never doubled: a subject that
 * already carries it (a resident's "RE: RE: … [ASB-123]") keeps one.
 */

export const caseReference = (inbox: string, taskId: number): string => `${inbox.toUpperCase()}-${taskId}`;

const REF = /\[([A-Z][A-Z0-9_]{0,19})-(\d{1,15})\]/;
const LEGACY = /\[Task (\d{1,15})\]/;

/** The case reference in a subject: `[ASB-123]`, or the older `[Task 123]` tag of replies sent before issue 17. */
export function parseCaseReference(subject: string): { inbox?: string; taskId: number } | undefined {
  const m = REF.exec(subject);
  if (m) return { inbox: m[1], taskId: Number(m[2]) };
  const l = LEGACY.exec(subject);
  return l ? { taskId: Number(l[1]) } : undefined;
}

/** "RE: <subject>" for a reply: one RE:, our reference once (when given), the rest as the resident wrote it. */
export function replySubject(original: string, ref?: string): string {
  let base = original.replace(/\s*\[Task \d+\]\s*/g, ' ').trim();
  if (ref) base = base.split(`[${ref}]`).join(' ').replace(/\s{2,}/g, ' ').trim();
  const re = /^(re|aw|sv)\s*:/i.test(base) ? base : `RE: ${base || '(no subject)'}`;
  return ref ? `${re} [${ref}]` : re;
}

/** The Outlook category that marks the source message as handled. */
export const handledCategory = (ref: string): string => `housing365 ${ref}`;
