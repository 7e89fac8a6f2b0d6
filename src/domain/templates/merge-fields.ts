/**
 * The merge fields a template may use, documented once: the template editor lists them, the
 * preview fills them with the sample values, and validation refuses anything else.
 */
export interface MergeField {
  path: string;
  description: string;
  sample: string;
}

export const MERGE_FIELDS: readonly MergeField[] = Object.freeze([
  { path: 'tenant.name', description: 'Full name of the tenant or customer', sample: 'Ms Jane Smith' },
  { path: 'tenant.first_name', description: 'First name', sample: 'Jane' },
  { path: 'tenant.email', description: 'Email address the message goes to', sample: 'jane.smith@example.org' },
  { path: 'tenant.reference', description: 'Tenancy or customer reference', sample: 'T-004512' },
  { path: 'property.address', description: 'Address of the property, one line', sample: '12 High Street, Anytown AB1 2CD' },
  { path: 'appointment.reference', description: 'Booking reference', sample: 'BK-1001' },
  { path: 'appointment.type', description: 'What the appointment is for', sample: 'Gas safety check' },
  { path: 'appointment.date', description: 'Day, e.g. Wednesday 2 December 2026', sample: 'Wednesday 2 December 2026' },
  { path: 'appointment.start', description: 'Start time, e.g. 09:30', sample: '09:30' },
  { path: 'appointment.end', description: 'End time', sample: '10:30' },
  { path: 'appointment.location', description: 'Where', sample: '12 High Street, Anytown' },
  { path: 'appointment.officer', description: 'Officer or operative', sample: 'Sam Patel' },
  { path: 'appointment.previous_date', description: 'Day before the move (moved appointments)', sample: 'Tuesday 1 December 2026' },
  { path: 'appointment.previous_start', description: 'Start time before the move', sample: '14:00' },
  { path: 'appointment.reason', description: 'Reason given for a move or cancellation', sample: 'Officer unavailable' },
  { path: 'email.subject', description: 'Subject of the email being acknowledged', sample: 'Noise from flat 3' },
  { path: 'email.received_at', description: 'When it arrived, e.g. 2 December 2026 at 09:12', sample: '2 December 2026 at 09:12' },
  { path: 'email.reference', description: 'Our reference for it (the task number)', sample: 'TSK-20451' },
  { path: 'email.from', description: 'Address the email being answered came from', sample: 'jane.smith@example.org' },
  { path: 'email.received', description: 'When it arrived (ISO date and time)', sample: '2026-12-02T09:12:00.000Z' },
  { path: 'task.id', description: 'Task Manager task number (replies)', sample: '20451' },
  { path: 'task.title', description: 'Title of the task', sample: 'Noise from flat 3' },
  { path: 'task.tag', description: 'The tag that threads replies, e.g. [Task 20451]', sample: '[Task 20451]' },
  { path: 'task.ref', description: 'The case reference: inbox code and task number, e.g. ASB-20451', sample: 'ASB-20451' },
  { path: 'complaint.stage', description: 'Complaint stage (1 or 2)', sample: '1' },
  { path: 'complaint.received', description: 'Day the complaint (or the escalation request) was received', sample: 'Mon 7 Dec 2026' },
  { path: 'complaint.respond_by', description: 'Day the full response is due', sample: 'Mon 21 Dec 2026' },
  { path: 'officer.name', description: 'The officer replying', sample: 'Sam Patel' },
  { path: 'subject', description: 'The reply subject Task Manager made (RE: … [Task n])', sample: 'RE: Noise from flat 3 [Task 20451]' },
  { path: 'organisation.name', description: 'Your organisation', sample: 'Housing Organisation' },
  { path: 'organisation.email', description: 'Reply address (EMO_EMAILADDR)', sample: 'noreply@housingorganisation.co.uk' },
  { path: 'organisation.phone', description: 'Contact telephone number', sample: '0300 123 4567' },
]);

/** `{ tenant: { name: …, … }, … }` with every documented field filled from its sample. */
export function sampleData(): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const f of MERGE_FIELDS) {
    const [group, name] = f.path.split('.');
    if (name === undefined) out[group] = f.sample as never;
    else (out[group] ??= {})[name] = f.sample;
  }
  return out;
}

/** Template data may leave documented fields out (they render empty); undocumented ones are refused at save. */
export function withDocumentedDefaults(data: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of MERGE_FIELDS) {
    const [group, name] = f.path.split('.');
    if (name === undefined) {
      out[group] = '';
      continue;
    }
    const g = (out[group] ??= {}) as Record<string, unknown>;
    g[name] = '';
  }
  for (const [k, v] of Object.entries(data)) {
    out[k] = v && typeof v === 'object' && !Array.isArray(v) && out[k] && typeof out[k] === 'object' ? { ...(out[k] as object), ...(v as object) } : v;
  }
  return out;
}
