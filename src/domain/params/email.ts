// Email-address and domain-name rules shared by the parameters (EMO_EMAILADDR, INBOX_SERVER) and
// the EXCHANGE_INBOX FRV. Deliberately narrower than RFC 5322: these are addresses of mailboxes in
// the organisation's own Microsoft 365 tenant, which Exchange Online limits to dot-atom local parts
// and ASCII (or punycode) host names.

// RFC 5321 §4.5.3.1: local part ≤ 64 octets, domain ≤ 255, a path ≤ 256 → an address ≤ 254.
const MAX_LOCAL_PART = 64;
const MAX_DOMAIN = 253;
const MAX_ADDRESS = 254;

// dot-atom: atext runs separated by single dots (RFC 5322 §3.2.3).
const ATEXT = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+";
const DOT_ATOM = new RegExp(`^${ATEXT}(\\.${ATEXT})*$`);
const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

export function isEmailLocalPart(local: string): boolean {
  return local.length > 0 && local.length <= MAX_LOCAL_PART && DOT_ATOM.test(local);
}

/** A DNS host name of two or more labels, lower case, with a non-numeric top-level label. */
export function isDomainName(domain: string): boolean {
  if (domain.length === 0 || domain.length > MAX_DOMAIN) return false;
  const labels = domain.split('.');
  if (labels.length < 2) return false;
  if (!labels.every((l) => LABEL.test(l))) return false;
  return !/^[0-9]+$/.test(labels[labels.length - 1]);
}

/**
 * The guide writes INBOX_SERVER as "@housingorganisation.co.uk"; accept that or the bare domain,
 * any case, with surrounding spaces or a trailing root dot, and return the bare lower-case domain.
 * Returns undefined when what remains is not a domain name.
 */
export function normaliseDomain(raw: string): string | undefined {
  let d = raw.trim().toLowerCase();
  if (d.startsWith('@')) d = d.slice(1);
  if (d.endsWith('.')) d = d.slice(0, -1);
  return isDomainName(d) ? d : undefined;
}

export interface EmailParts {
  local: string;
  domain: string;
}

/** Splits and checks an address; returns it lower-cased (Exchange addresses are case-insensitive). */
export function parseEmailAddress(raw: string): EmailParts | undefined {
  const address = raw.trim().toLowerCase();
  if (address.length > MAX_ADDRESS) return undefined;
  const at = address.lastIndexOf('@');
  if (at <= 0) return undefined;
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  if (!isEmailLocalPart(local) || !isDomainName(domain)) return undefined;
  return { local, domain };
}

export function domainOf(address: string): string | undefined {
  return parseEmailAddress(address)?.domain;
}
