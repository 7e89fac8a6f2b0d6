// Row types of every table, snake_case as in SQL, one file per area under schema/; domain objects are
// camelCase and mapped explicitly in each table's module. `Database` is the Kysely schema.

export * from './schema/core.ts';
export * from './schema/appointments.ts';
export * from './schema/calendar-sync.ts';
export * from './schema/email.ts';
export * from './schema/tasks.ts';
export * from './schema/complaints.ts';

import type { SystemParameterRow, FrvValueRow, AppointmentReasonRow, LicenceRow, UserRow, TeamRow, TeamMemberRow, SessionRow, ApiTokenRow, KeyValueRow, AuditEventRow, EntraGroupMappingRow, OidcPendingRow } from './schema/core.ts';
import type { ProductAreaRow, AppointmentReasonProductAreaRow, AppointmentDiaryRow, AppointmentSlotPatternRow, AppointmentSlotExceptionRow, AppointmentSlotRow, BookingRow, BookingHistoryRow, CalendarOutboxRow } from './schema/appointments.ts';
import type { CalendarSyncStateRow, CalendarSyncLogRow, CalendarPushUnconfirmedRow, CalendarSyncHandledRow, CalendarFullSyncSeenRow } from './schema/calendar-sync.ts';
import type { EmailTemplateRow, EmailOutboxRow, EmailOutboxAttachmentRow, EmailOutboxEventRow } from './schema/email.ts';
import type { TmWorkflowRow, TmJobGroupRow, TmJobGroupTeamRow, TmJobTypeRow, TmEventTypeRow, TmEventQueryRow, TmEventRow, TmTaskRow, TmTaskHistoryRow, InboundEmailRow, InboundAttachmentRow, InboxSyncStateRow, InboxRunRow, InboundParkedRow, InboundMessageAttemptRow, InboxConversationRow, InboundAcknowledgementRow } from './schema/tasks.ts';
import type { ComplaintPolicyRow, ComplaintSettingsRow, ComplaintHolidayFileRow, ComplaintCaseRow, ComplaintDeadlineRow, ComplaintStepRow } from './schema/complaints.ts';

export interface Database {
  complaint_policies: ComplaintPolicyRow;
  complaint_settings: ComplaintSettingsRow;
  complaint_holiday_files: ComplaintHolidayFileRow;
  complaint_cases: ComplaintCaseRow;
  complaint_deadlines: ComplaintDeadlineRow;
  complaint_steps: ComplaintStepRow;
  email_templates: EmailTemplateRow;
  email_outbox: EmailOutboxRow;
  email_outbox_attachments: EmailOutboxAttachmentRow;
  email_outbox_events: EmailOutboxEventRow;
  calendar_sync_state: CalendarSyncStateRow;
  calendar_sync_log: CalendarSyncLogRow;
  calendar_sync_handled: CalendarSyncHandledRow;
  calendar_push_unconfirmed: CalendarPushUnconfirmedRow;
  calendar_full_sync_seen: CalendarFullSyncSeenRow;
  entra_group_mappings: EntraGroupMappingRow;
  oidc_pending: OidcPendingRow;
  audit_events: AuditEventRow;
  system_parameters: SystemParameterRow;
  frv_values: FrvValueRow;
  appointment_reasons: AppointmentReasonRow;
  licences: LicenceRow;
  users: UserRow;
  teams: TeamRow;
  team_members: TeamMemberRow;
  sessions: SessionRow;
  api_tokens: ApiTokenRow;
  app_settings: KeyValueRow;
  product_areas: ProductAreaRow;
  appointment_reason_product_areas: AppointmentReasonProductAreaRow;
  appointment_diaries: AppointmentDiaryRow;
  appointment_slot_patterns: AppointmentSlotPatternRow;
  appointment_slot_exceptions: AppointmentSlotExceptionRow;
  appointment_slots: AppointmentSlotRow;
  bookings: BookingRow;
  booking_history: BookingHistoryRow;
  calendar_outbox: CalendarOutboxRow;
  tm_workflows: TmWorkflowRow;
  tm_job_groups: TmJobGroupRow;
  tm_job_group_teams: TmJobGroupTeamRow;
  tm_job_types: TmJobTypeRow;
  tm_event_types: TmEventTypeRow;
  tm_event_queries: TmEventQueryRow;
  tm_events: TmEventRow;
  tm_tasks: TmTaskRow;
  tm_task_history: TmTaskHistoryRow;
  inbound_emails: InboundEmailRow;
  inbox_conversation: InboxConversationRow;
  inbound_acknowledgements: InboundAcknowledgementRow;
  inbound_attachments: InboundAttachmentRow;
  inbox_sync_state: InboxSyncStateRow;
  inbox_runs: InboxRunRow;
  inbound_parked: InboundParkedRow;
  inbound_message_attempts: InboundMessageAttemptRow;
}
