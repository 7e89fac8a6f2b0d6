import { z } from 'zod';

// A complaint policy: the timescales of the Housing Ombudsman's Complaint Handling Code 2024,
// section 6, as configuration (the Scottish and Welsh ombudsmen's procedures differ). The number of
// stages is not configurable: the Code (section 5; the Ombudsman: "no less than and no more than 2
// stages") fixes it at two.

export const COMPLAINT_STAGES = 2 as const;

export interface StagePolicy {
  /** Working days to acknowledge: from receipt (stage 1, Code 6.2) or the escalation request (stage 2, 6.11). */
  acknowledgeDays: number;
  /** Working days to respond, from the acknowledgement (stage 1: 6.3; stage 2: 6.15). */
  respondDays: number;
  /** Further working days an extension may add without a recorded good reason (stage 1: 6.4; stage 2: 6.16). */
  maxExtensionDays: number;
}

export interface ComplaintPolicy {
  stage1: StagePolicy;
  stage2: StagePolicy;
  /** Email template code for the acknowledgement, or null. */
  acknowledgementTemplate: string | null;
}

/** The Code's timescales. */
export const CODE_DEFAULTS: ComplaintPolicy = Object.freeze({
  stage1: Object.freeze({ acknowledgeDays: 5, respondDays: 10, maxExtensionDays: 10 }),
  stage2: Object.freeze({ acknowledgeDays: 5, respondDays: 20, maxExtensionDays: 20 }),
  acknowledgementTemplate: 'COMPLAINT_ACK',
}) as ComplaintPolicy;

/** The Code clause each number comes from (docs/complaints.md quotes them). */
export const CLAUSES = {
  stage1: { acknowledge: '6.2', respond: '6.3', extension: '6.4' },
  stage2: { acknowledge: '6.11', respond: '6.15', extension: '6.16' },
} as const;

const Days = (what: string, max: number) => z.coerce.number({ error: `enter ${what} as a whole number of working days` }).int(`enter ${what} as a whole number of working days`).min(1, `${what}: at least 1 working day`).max(max, `${what}: at most ${max} working days`);
const Ext = (what: string) => z.coerce.number({ error: `enter ${what} as a whole number of working days` }).int(`enter ${what} as a whole number of working days`).min(0, `${what}: 0 or more working days`).max(60, `${what}: at most 60 working days`);

export const ComplaintPolicyInput = z.object({
  stage1AcknowledgeDays: Days('the stage 1 acknowledgement time', 30).default(CODE_DEFAULTS.stage1.acknowledgeDays),
  stage1RespondDays: Days('the stage 1 response time', 60).default(CODE_DEFAULTS.stage1.respondDays),
  stage1MaxExtensionDays: Ext('the stage 1 maximum extension').default(CODE_DEFAULTS.stage1.maxExtensionDays),
  stage2AcknowledgeDays: Days('the stage 2 acknowledgement time', 30).default(CODE_DEFAULTS.stage2.acknowledgeDays),
  stage2RespondDays: Days('the stage 2 response time', 60).default(CODE_DEFAULTS.stage2.respondDays),
  stage2MaxExtensionDays: Ext('the stage 2 maximum extension').default(CODE_DEFAULTS.stage2.maxExtensionDays),
  acknowledgementTemplate: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^([A-Z0-9_]{1,40})?$/, 'a template code: 1 to 40 capital letters, digits or _')
    .nullable()
    .optional()
    .transform((v) => v || null),
});
export type ComplaintPolicyInput = z.input<typeof ComplaintPolicyInput>;

export function policyFromInput(v: z.output<typeof ComplaintPolicyInput>): ComplaintPolicy {
  return {
    stage1: { acknowledgeDays: v.stage1AcknowledgeDays, respondDays: v.stage1RespondDays, maxExtensionDays: v.stage1MaxExtensionDays },
    stage2: { acknowledgeDays: v.stage2AcknowledgeDays, respondDays: v.stage2RespondDays, maxExtensionDays: v.stage2MaxExtensionDays },
    acknowledgementTemplate: v.acknowledgementTemplate,
  };
}

/** Where a policy departs from the Code, in words (shown beside it; a departure is allowed, not hidden). */
export function departuresFromCode(p: ComplaintPolicy): string[] {
  const out: string[] = [];
  for (const s of [1, 2] as const) {
    const mine = s === 1 ? p.stage1 : p.stage2;
    const code = s === 1 ? CODE_DEFAULTS.stage1 : CODE_DEFAULTS.stage2;
    const cl = s === 1 ? CLAUSES.stage1 : CLAUSES.stage2;
    if (mine.acknowledgeDays > code.acknowledgeDays) out.push(`Stage ${s} acknowledgement ${mine.acknowledgeDays} working days: the Code (${cl.acknowledge}) allows ${code.acknowledgeDays}`);
    if (mine.respondDays > code.respondDays) out.push(`Stage ${s} response ${mine.respondDays} working days: the Code (${cl.respond}) allows ${code.respondDays}`);
    if (mine.maxExtensionDays > code.maxExtensionDays) out.push(`Stage ${s} extension up to ${mine.maxExtensionDays} working days: the Code (${cl.extension}) allows ${code.maxExtensionDays} without good reason`);
  }
  return out;
}
