/**
 * Id helpers. Graph ids for Outlook items are opaque base64 strings (`AAMkAG…=`); immutable ids
 * look the same but start differently. Clients must treat them as opaque, so ours only mimic the
 * look: url-safe base64 of random bytes with a recognisable prefix.
 */
import { randomFillSync, randomUUID } from 'node:crypto';

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

// randomBytes per id costs a syscall each; bulk loads make hundreds of thousands of ids
const pool = Buffer.alloc(64 * 1024);
let poolAt = pool.length;
function rand(n: number): Buffer {
  if (poolAt + n > pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  const out = pool.subarray(poolAt, poolAt + n);
  poolAt += n;
  return out;
}

function b64url(n: number): string {
  return rand(n).toString('base64url');
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
  return 'CQAAABYAAAA' + rand(12).toString('base64');
}

/** `<…@domain>` Message-ID. */
export function newInternetMessageId(domain: string): string {
  return `<${rand(12).toString('hex')}@${domain}>`;
}

/** Graph conversation ids look like message ids (`AAQkAG…`). */
export function newConversationId(): string {
  return 'AAQkAG' + b64url(24);
}
