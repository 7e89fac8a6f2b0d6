import { describe, expect, it } from 'vitest';
import { PARAMETERS, getParameterDefinition } from './definitions.ts';

// Each row is the guide's table for the parameter, typed out from
// ../shared/spec/outlook365-integration-guide.txt (not read at test time: CI may not have it).
// [name, description, required, datatype label, default, hint, section]
const GUIDE: Array<[string, string, boolean, string, string | null, string, string]> = [
  ['OUTLOOK365', 'Set to Y to use Outlook 365 for Email and Calendars', false, 'Yes / No', null, 'Set to Y to use Outlook 365 for Email and Calendars', '1.2'],
  ['EMAILOUT_OUTLOOK365', 'NEC to Outlook365 Email', false, 'Yes / No', null, 'Enter Y to enable outbound Email to Outlook365 mail', '2.1'],
  ['EMAILIN_OUTLOOK365', 'Outlook365 Email to NEC', false, 'Yes / No', null, 'Enter Y to enable inbound Email from Outlook365 mail', '2.2.1'],
  ['APPTOUT_OUTLOOK365', 'NEC to Outlook365 Calendar', false, 'Yes / No', null, 'Enter Y to enable outbound appointments from NEC to Outlook365 Calendar', '2.3'],
  ['APPTIN_OUTLOOK365', 'Outlook365 Calendar to NEC', true, 'Yes / No', 'N', 'Enter Y to enable inbound appointments from Outlook365 Calendar to NEC', '2.4'],
  ['EMO_EMAILADDR', 'From Email Address for messages', false, 'Text', null, 'Enter from email address for sending external messages', '2.1'],
  ['EMI_POLL', 'Poll time in minutes for inbound emails', false, 'Numeric', null, 'Enter the Poll Time in Minutes for Inbound Email', '2.2.2'],
  ['EMAIL_ATT_FILESIZE', 'Max file size allowed to save (in GB)', false, 'Numeric', null, 'Enter the max file size in GB, that can be saved', '2.2.2'],
  ['INBOX_SERVER', 'The email exchange inbox server', false, 'Text', null, 'Enter the email exchange inbox server', '2.2.2'],
  ['APPT_OUTLOOK365_CANCEL_RSN', 'Outlook365 Cancel Reason', false, 'Coded – (Appointment Reason Codes table)', null, 'Enter the default reason why an Outlook365 calendar entry has been Cancelled', '2.4'],
  ['APPT_OUTLOOK365_MOVE_RSN', 'Outlook365 Move Reason', false, 'Coded – (Appointment Reason Codes table)', null, 'Enter the default reason why an Outlook365 calendar entry has been moved', '2.4'],
  ['OUTLOOK365_MOVE_VIOL_EMAIL', 'Outlook365 Move viol', false, 'Text', null, 'Enter the subject of email when an Outlook365 calendar entry has been moved', '2.4'],
  ['CALI_POLL', 'Outlook365 Calendar Poll minutes', true, 'Numeric', '1', 'Enter the number of minutes to poll from Outlook365 Calendar', '2.4'],
  ['OUTLOOK365_ORACLE_TIMEZONE', 'Outlook365 Timezone', false, 'Text', null, 'Enter the Timezone for the Oracle database calling Outlook', '2.4'],
  ['OUTLOOK365_TIMEZONE', 'Outlook365 Timezone', false, 'Text', null, 'Enter the Timezone for the outlook calendar', '2.4'],
];

const DATATYPE: Record<string, string> = {
  'Yes / No': 'YesNo',
  Text: 'Text',
  Numeric: 'Numeric',
  'Coded – (Appointment Reason Codes table)': 'Coded',
};

describe('PARAMETERS', () => {
  it('has the 15 parameters the guide names, in the order they first appear in it', () => {
    expect(PARAMETERS.map((p) => p.name)).toEqual(GUIDE.map((g) => g[0]));
  });

  it.each(GUIDE)('%s matches the guide word for word', (name, description, required, label, defaultValue, hint, section) => {
    const d = getParameterDefinition(name)!;
    expect(d).toBeDefined();
    expect(d.description).toBe(description);
    expect(d.required).toBe(required);
    expect(d.datatypeLabel).toBe(label);
    expect(d.datatype).toBe(DATATYPE[label]);
    expect(d.defaultValue).toBe(defaultValue);
    expect(d.hint).toBe(hint);
    expect(d.guideSection).toBe(section);
  });

  it('ties the two coded parameters to the appointment reasons table, and nothing else', () => {
    expect(PARAMETERS.filter((p) => p.codedTable).map((p) => [p.name, p.codedTable])).toEqual([
      ['APPT_OUTLOOK365_CANCEL_RSN', 'appointment_reasons'],
      ['APPT_OUTLOOK365_MOVE_RSN', 'appointment_reasons'],
    ]);
  });

  it('trims the trailing space the guide has after EMAIL_ATT_FILESIZE from the name', () => {
    expect(getParameterDefinition('EMAIL_ATT_FILESIZE')?.name).toBe('EMAIL_ATT_FILESIZE');
    expect(PARAMETERS.every((p) => p.name === p.name.trim())).toBe(true);
  });

  it('groups the parameters for display', () => {
    const byGroup: Record<string, string[]> = {};
    for (const p of PARAMETERS) (byGroup[p.group] ??= []).push(p.name);
    expect(byGroup).toEqual({
      Switches: ['OUTLOOK365', 'EMAILOUT_OUTLOOK365', 'EMAILIN_OUTLOOK365', 'APPTOUT_OUTLOOK365', 'APPTIN_OUTLOOK365'],
      'Outbound email': ['EMO_EMAILADDR'],
      'Inbound email': ['EMI_POLL', 'EMAIL_ATT_FILESIZE', 'INBOX_SERVER'],
      Appointments: ['APPT_OUTLOOK365_CANCEL_RSN', 'APPT_OUTLOOK365_MOVE_RSN', 'OUTLOOK365_MOVE_VIOL_EMAIL', 'CALI_POLL'],
      'Time zones': ['OUTLOOK365_ORACLE_TIMEZONE', 'OUTLOOK365_TIMEZONE'],
    });
  });

  it('looks names up exactly and is frozen', () => {
    expect(getParameterDefinition('emi_poll')).toBeUndefined();
    expect(getParameterDefinition('NOPE')).toBeUndefined();
    expect(Object.isFrozen(PARAMETERS)).toBe(true);
    expect(Object.isFrozen(PARAMETERS[0])).toBe(true);
  });
});
