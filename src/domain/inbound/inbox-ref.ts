/** An inbox being read: its EXCHANGE_INBOX code (ASB, COMPLAINTS …) and the mailbox address behind it. */
export interface InboxRef {
  code: string;
  mailbox: string;
}
