/** For the tests beside this file: every Outlook 365 flow on and every parameter they need set, consistently. */
export const COMPLETE_OUTLOOK365_PARAMETERS = {
  OUTLOOK365: 'Y',
  EMAILOUT_OUTLOOK365: 'Y',
  EMAILIN_OUTLOOK365: 'Y',
  APPTOUT_OUTLOOK365: 'Y',
  APPTIN_OUTLOOK365: 'Y',
  EMO_EMAILADDR: 'housing@housingorganisation.co.uk',
  INBOX_SERVER: 'housingorganisation.co.uk',
  EMI_POLL: '5',
  APPT_OUTLOOK365_CANCEL_RSN: 'OUTC',
  APPT_OUTLOOK365_MOVE_RSN: 'OUTM',
  OUTLOOK365_MOVE_VIOL_EMAIL: 'Appointment could not be moved',
};
