import { z } from 'zod';

// Request and response shapes of /api/v1. Requests are validated with these; responses are documented
// with them (and mapped explicitly from the app's views, so no internal field leaks by accident).

export const ParameterName = z.object({ name: z.string().min(1).max(64).describe('Parameter name, e.g. EMI_POLL') });

export const Parameter = z
  .object({
    name: z.string(),
    description: z.string().describe("The guide's description"),
    required: z.boolean(),
    datatype: z.enum(['YesNo', 'Numeric', 'Text', 'Coded']),
    datatypeLabel: z.string(),
    defaultValue: z.string().nullable(),
    hint: z.string(),
    value: z.string().nullable().describe('The stored value; null when not set'),
    effective: z.string().nullable().describe('What the system uses: the stored value, else the default'),
    updatedAt: z.iso.datetime().nullable(),
    updatedBy: z.string().nullable(),
  })
  .meta({ id: 'Parameter' });
export type Parameter = z.infer<typeof Parameter>;

export const SetParameterBody = z
  .object({ value: z.string().max(1000).nullable().describe('The new value; null clears it') })
  .strict()
  .meta({ id: 'SetParameter' });

export const FrvDomainParam = z.object({ domain: z.string().min(1).max(64).describe('EXCHANGE_INBOX or EMAIL_ATT_FILETYPE') });
export const FrvKeyParams = FrvDomainParam.extend({ code: z.string().min(1).max(64) });
export const FrvQuery = z.object({ domain: z.string().min(1).max(64).optional().describe('Only this domain') });

export const Frv = z
  .object({ domain: z.string(), code: z.string(), description: z.string(), active: z.boolean() })
  .meta({ id: 'Frv' });
export const NewFrv = z
  .object({ domain: z.string().min(1).max(64), code: z.string().min(1).max(64), description: z.string().max(1000) })
  .strict()
  .meta({ id: 'NewFrv' });
export const FrvPatch = z
  .object({ description: z.string().max(1000).optional(), active: z.boolean().optional() })
  .strict()
  .refine((p) => p.description !== undefined || p.active !== undefined, { message: 'Send description, active or both' })
  .meta({ id: 'FrvPatch' });

const Role = z.enum(['admin', 'officer']);
export const User = z
  .object({
    id: z.number().int(),
    username: z.string(),
    displayName: z.string(),
    email: z.string().nullable(),
    role: Role,
    active: z.boolean(),
    mustChangePassword: z.boolean(),
    createdAt: z.iso.datetime(),
    lastSignInAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'User' });
export const NewUser = z
  .object({
    username: z.string().max(64),
    displayName: z.string().max(200),
    email: z.string().max(320).optional(),
    role: Role,
    password: z.string().min(12).max(200).optional().describe('Omit to have a one-time password generated'),
  })
  .strict()
  .meta({ id: 'NewUser' });
export const CreatedUser = z
  .object({ user: User, oneTimePassword: z.string().optional().describe('Only when no password was sent; shown once') })
  .meta({ id: 'CreatedUser' });

export const Team = z
  .object({
    id: z.number().int(),
    code: z.string(),
    name: z.string(),
    members: z.array(z.object({ id: z.number().int(), username: z.string(), displayName: z.string() })),
  })
  .meta({ id: 'Team' });
export const NewTeam = z.object({ code: z.string().max(30), name: z.string().max(200) }).strict().meta({ id: 'NewTeam' });
const Id = z.coerce.number().int().positive().max(2_147_483_647);
export const TeamMemberParams = z.object({ id: Id, userId: Id });

export const Licence = z
  .object({
    valid: z.boolean(),
    features: z.array(z.string()),
    customer: z.string().optional(),
    expiresAt: z.iso.datetime().optional(),
    problem: z.string().optional().describe('Why the licence is not valid'),
  })
  .meta({ id: 'Licence' });

export const IntegrationStatus = z
  .object({
    outlook365: z.boolean().describe('OUTLOOK365 is Y'),
    licensed: z.boolean().describe('A valid licence includes OUTLOOK365'),
    flows: z.array(
      z.object({
        flow: z.enum(['emailOut', 'emailIn', 'apptOut', 'apptIn']),
        switchName: z.string(),
        label: z.string(),
        running: z.boolean(),
        reasons: z.array(z.string()).describe('Why the flow does not run; empty when it runs'),
      }),
    ),
    problems: z.array(z.object({ parameter: z.string(), message: z.string() })).describe('Cross-parameter problems'),
  })
  .meta({ id: 'IntegrationStatus' });

export const iso = (d: Date | string | null | undefined): string | null => (d ? new Date(d).toISOString() : null);

/** What every poll's status says of its flow (inbound email, calendars), before its mailboxes. */
export const PollFlowStatus = z.object({
  running: z.boolean(),
  stopped: z.boolean(),
  reasons: z.array(z.string()),
  pollMinutes: z.number().int(),
  /** When a job process last checked what is due (null: never — nothing is polling). */
  lastCheckedAt: z.string().nullable(),
});

export function pollFlowStatus(s: { running: boolean; stopped: boolean; reasons: string[]; pollMinutes: number; lastCheckedAt?: Date | null }): z.infer<typeof PollFlowStatus> {
  return { running: s.running, stopped: s.stopped, reasons: s.reasons, pollMinutes: s.pollMinutes, lastCheckedAt: iso(s.lastCheckedAt) };
}
