/**
 * Id helpers. Graph ids for Outlook items are opaque base64 strings (`AAMkAG…=`); immutable ids
 * look the same but start differently. Clients must treat them as opaque, so ours only mimic the
 * look: url-safe base64 of random bytes with a recognisable prefix.
 */
import { randomBytes, randomUUID } from 'node:crypto';

export function newGuid(): string {
  return randomUUID();
}

const prefixes: Record<string, string> = {
  message: 'AAkALgAAAAAAHYQDEapmEc2byACqAC-EWg0A',
  event: 'AAkALgAAAAAAHYQDEapmEc2byACqAC-EWg0B',
  folder: 'AAMkAGFolder',
  calendar: 'AAMkAGCalendar',
  attachment: 'AAMkAGAttach',
  regular: 'AAMkAGI2TG93AAA',
};

function b64url(n: number): string {
  return randomBytes(n).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

/** A stable id for an item of `kind` (message, event, folder, calendar, attachment). */
export function newImmutableId(kind: string): string {
  return (prefixes[kind] ?? 'AAkALg' + kind) + b64url(24);
}

/** A "regular" (EWS-style) id: changes whenever the item moves to another folder. */
export function newRegularId(): string {
  return prefixes.regular + b64url(24);
}

/** A change key: changes on every update of the item (`changeKey` in Graph responses). */
export function newChangeKey(): string {
  return 'CQAAABYAAAA' + randomBytes(12).toString('base64');
}

/** `<…@domain>` Message-ID. */
export function newInternetMessageId(domain: string): string {
  return `<${randomBytes(12).toString('hex')}@${domain}>`;
}

/** Graph conversation ids look like message ids (`AAQkAG…`). */
export function newConversationId(): string {
  return 'AAQkAG' + b64url(24);
}
