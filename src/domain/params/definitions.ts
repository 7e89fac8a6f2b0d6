// The 15 system parameters of the Outlook 365 integration, copied word for word from the
// "NEC Housing Outlook 365 Integration" guide (../shared/spec/outlook365-integration-guide.txt).
// Keep the guide's own wording, odd as some of it is ("Outlook365 Move viol", two parameters both
// described as "Outlook365 Timezone"): admins compare these screens with the guide.

export type ParameterDatatype = 'YesNo' | 'Numeric' | 'Text' | 'Coded';

export type ParameterGroup = 'Switches' | 'Outbound email' | 'Inbound email' | 'Appointments' | 'Time zones';

export interface ParameterDefinition {
  name: string;
  /** The guide's Description, word for word. */
  description: string;
  /** The guide's Required (Y/N). */
  required: boolean;
  datatype: ParameterDatatype;
  /** The guide's Datatype text, word for word. */
  datatypeLabel: string;
  codedTable?: 'appointment_reasons';
  /** The guide's Default Value: blank or '-' → null. */
  defaultValue: string | null;
  /** The guide's Hint, word for word. */
  hint: string;
  /** Where the guide's table for this parameter is (the first one, when it appears twice). */
  guideSection: string;
  group: ParameterGroup;
}

const YES_NO = 'Yes / No';
const CODED_REASON = 'Coded – (Appointment Reason Codes table)';

export const PARAMETERS: readonly ParameterDefinition[] = Object.freeze([
  // OUTLOOK365 has no table in the guide. Its only definition is the §1.2 sentence
  // "OUTLOOK365 - Set to Y to use Outlook 365 for Email and Calendars", used here as both
  // description and hint; datatype Yes / No, not required, no default, like the other switches.
  {
    name: 'OUTLOOK365',
    description: 'Set to Y to use Outlook 365 for Email and Calendars',
    required: false,
    datatype: 'YesNo',
    datatypeLabel: YES_NO,
    defaultValue: null,
    hint: 'Set to Y to use Outlook 365 for Email and Calendars',
    guideSection: '1.2',
    group: 'Switches',
  },
  {
    name: 'EMAILOUT_OUTLOOK365',
    description: 'NEC to Outlook365 Email',
    required: false,
    datatype: 'YesNo',
    datatypeLabel: YES_NO,
    defaultValue: null,
    hint: 'Enter Y to enable outbound Email to Outlook365 mail',
    guideSection: '2.1',
    group: 'Switches',
  },
  {
    name: 'EMAILIN_OUTLOOK365',
    description: 'Outlook365 Email to NEC',
    required: false,
    datatype: 'YesNo',
    datatypeLabel: YES_NO,
    defaultValue: null,
    hint: 'Enter Y to enable inbound Email from Outlook365 mail',
    guideSection: '2.2.1',
    group: 'Switches',
  },
  {
    name: 'APPTOUT_OUTLOOK365',
    description: 'NEC to Outlook365 Calendar',
    required: false,
    datatype: 'YesNo',
    datatypeLabel: YES_NO,
    defaultValue: null,
    hint: 'Enter Y to enable outbound appointments from NEC to Outlook365 Calendar',
    guideSection: '2.3',
    group: 'Switches',
  },
  {
    name: 'APPTIN_OUTLOOK365',
    description: 'Outlook365 Calendar to NEC',
    required: true,
    datatype: 'YesNo',
    datatypeLabel: YES_NO,
    defaultValue: 'N',
    hint: 'Enter Y to enable inbound appointments from Outlook365 Calendar to NEC',
    guideSection: '2.4',
    group: 'Switches',
  },
  // The guide prints this table twice (§2.1 and §2.4), identically.
  {
    name: 'EMO_EMAILADDR',
    description: 'From Email Address for messages',
    required: false,
    datatype: 'Text',
    datatypeLabel: 'Text',
    defaultValue: null,
    hint: 'Enter from email address for sending external messages',
    guideSection: '2.1',
    group: 'Outbound email',
  },
  {
    name: 'EMI_POLL',
    description: 'Poll time in minutes for inbound emails',
    required: false,
    datatype: 'Numeric',
    datatypeLabel: 'Numeric',
    defaultValue: null,
    hint: 'Enter the Poll Time in Minutes for Inbound Email',
    guideSection: '2.2.2',
    group: 'Inbound email',
  },
  // The guide's table spells the name 'EMAIL_ATT_FILESIZE ' with a trailing space; trimmed here.
  {
    name: 'EMAIL_ATT_FILESIZE',
    description: 'Max file size allowed to save (in GB)',
    required: false,
    datatype: 'Numeric',
    datatypeLabel: 'Numeric',
    defaultValue: null,
    hint: 'Enter the max file size in GB, that can be saved',
    guideSection: '2.2.2',
    group: 'Inbound email',
  },
  {
    name: 'INBOX_SERVER',
    description: 'The email exchange inbox server',
    required: false,
    datatype: 'Text',
    datatypeLabel: 'Text',
    defaultValue: null,
    hint: 'Enter the email exchange inbox server',
    guideSection: '2.2.2',
    group: 'Inbound email',
  },
  // Printed again in §2.4.1, identically.
  {
    name: 'APPT_OUTLOOK365_CANCEL_RSN',
    description: 'Outlook365 Cancel Reason',
    required: false,
    datatype: 'Coded',
    datatypeLabel: CODED_REASON,
    codedTable: 'appointment_reasons',
    defaultValue: null,
    hint: 'Enter the default reason why an Outlook365 calendar entry has been Cancelled',
    guideSection: '2.4',
    group: 'Appointments',
  },
  // Printed again in §2.4.2, identically.
  {
    name: 'APPT_OUTLOOK365_MOVE_RSN',
    description: 'Outlook365 Move Reason',
    required: false,
    datatype: 'Coded',
    datatypeLabel: CODED_REASON,
    codedTable: 'appointment_reasons',
    defaultValue: null,
    hint: 'Enter the default reason why an Outlook365 calendar entry has been moved',
    guideSection: '2.4',
    group: 'Appointments',
  },
  {
    name: 'OUTLOOK365_MOVE_VIOL_EMAIL',
    description: 'Outlook365 Move viol',
    required: false,
    datatype: 'Text',
    datatypeLabel: 'Text',
    defaultValue: null,
    hint: 'Enter the subject of email when an Outlook365 calendar entry has been moved',
    guideSection: '2.4',
    group: 'Appointments',
  },
  {
    name: 'CALI_POLL',
    description: 'Outlook365 Calendar Poll minutes',
    required: true,
    datatype: 'Numeric',
    datatypeLabel: 'Numeric',
    defaultValue: '1',
    hint: 'Enter the number of minutes to poll from Outlook365 Calendar',
    guideSection: '2.4',
    group: 'Appointments',
  },
  {
    name: 'OUTLOOK365_ORACLE_TIMEZONE',
    description: 'Outlook365 Timezone',
    required: false,
    datatype: 'Text',
    datatypeLabel: 'Text',
    defaultValue: null,
    hint: 'Enter the Timezone for the Oracle database calling Outlook',
    guideSection: '2.4',
    group: 'Time zones',
  },
  {
    name: 'OUTLOOK365_TIMEZONE',
    description: 'Outlook365 Timezone',
    required: false,
    datatype: 'Text',
    datatypeLabel: 'Text',
    defaultValue: null,
    hint: 'Enter the Timezone for the outlook calendar',
    guideSection: '2.4',
    group: 'Time zones',
  },
].map((d) => Object.freeze(d as ParameterDefinition)));

const BY_NAME = new Map(PARAMETERS.map((d) => [d.name, d]));

/** Exact, case-sensitive lookup: parameter names are upper case in the guide and in storage. */
export function getParameterDefinition(name: string): ParameterDefinition | undefined {
  return BY_NAME.get(name);
}

export const PARAMETER_NAMES: readonly string[] = Object.freeze(PARAMETERS.map((d) => d.name));
