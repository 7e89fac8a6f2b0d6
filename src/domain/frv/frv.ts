// First Reference Values (FRVs): admin-maintained code lists. The Outlook 365 integration adds
// two (guide §2.2.3).
import { AppError } from '../../errors.ts';
import { isEmailLocalPart, normaliseDomain } from '../params/email.ts';
import { ATTACHMENT_TYPES, ATTACHMENT_TYPE_CODES } from './attachment-types.ts';

export { ATTACHMENT_TYPES, ATTACHMENT_TYPE_CODES, type AttachmentType } from './attachment-types.ts';

export type FrvDomainName = 'EXCHANGE_INBOX' | 'EMAIL_ATT_FILETYPE';

export interface FrvDomain {
  domain: FrvDomainName;
  /** A short title for screens. */
  label: string;
  /** The guide's description of the FRV, word for word. */
  description: string;
  /** What the code is, for the add/edit form. */
  codeHint: string;
  guideSection: string;
}

export const FRV_DOMAINS: readonly FrvDomain[] = Object.freeze([
  {
    domain: 'EXCHANGE_INBOX',
    label: 'Inboxes to poll',
    description:
      'enter the first part of the Exchange Accounts that are to be polled for your organisation in the description for the FRV.  For example where Exchange Accounts to be polled are asb@housingorganisation.co.uk and complaints@housingorganisation.co.uk , you would enter ASB and COMPLAINTS as the values.',
    codeHint: 'The part of the inbox address before the @; the inbox is that, in lower case, @ INBOX_SERVER (ASB → asb@housingorganisation.co.uk)',
    guideSection: '2.2.3',
  },
  {
    domain: 'EMAIL_ATT_FILETYPE',
    label: 'Permitted attachment types',
    description:
      'enter the relevant permitted MIME types that your organisation wants to allow attachments to be saved for – e.g. DOCX, JPG, PDF',
    codeHint: `A file type: ${ATTACHMENT_TYPE_CODES.join(', ')}`,
    guideSection: '2.2.3',
  },
]);

export function getFrvDomain(domain: string): FrvDomain | undefined {
  return FRV_DOMAINS.find((d) => d.domain === domain);
}

export const FRV_CODE_MAX = 30;
export const FRV_DESCRIPTION_MAX = 255;
const CODE = /^[A-Z0-9_]+$/;

export interface FrvProblem {
  field: 'domain' | 'code' | 'description';
  message: string;
}

/** The first problem with an FRV value, or null when it is valid. Codes are expected upper-cased. */
export function validateFrv(domain: string, code: string, description: string): FrvProblem | null {
  const d = getFrvDomain(domain);
  if (!d) {
    return { field: 'domain', message: `${domain} is not an FRV domain; the domains are ${FRV_DOMAINS.map((x) => x.domain).join(', ')}` };
  }
  if (code.length === 0 || code.length > FRV_CODE_MAX || !CODE.test(code)) {
    return {
      field: 'code',
      message: `${d.domain} codes must be 1 to ${FRV_CODE_MAX} characters of upper-case letters A-Z, digits and _; '${code}' is not`,
    };
  }
  if (d.domain === 'EXCHANGE_INBOX' && !isEmailLocalPart(code.toLowerCase())) {
    return { field: 'code', message: `EXCHANGE_INBOX code '${code}' cannot be the first part of an email address` };
  }
  if (d.domain === 'EMAIL_ATT_FILETYPE' && !(code in ATTACHMENT_TYPES)) {
    return {
      field: 'code',
      message: `EMAIL_ATT_FILETYPE code '${code}' is not a file type housing365 can check; the types are ${ATTACHMENT_TYPE_CODES.join(', ')}`,
    };
  }
  const text = description.trim();
  if (text.length === 0) return { field: 'description', message: `${d.domain} ${code} needs a description` };
  if (/[\r\n]/.test(text)) return { field: 'description', message: `The description of ${d.domain} ${code} must be a single line` };
  if ([...text].length > FRV_DESCRIPTION_MAX) {
    return { field: 'description', message: `The description of ${d.domain} ${code} must be at most ${FRV_DESCRIPTION_MAX} characters` };
  }
  return null;
}

/** The mailbox an EXCHANGE_INBOX code stands for: ASB + housingorganisation.co.uk → asb@housingorganisation.co.uk. */
export function inboxAddress(code: string, inboxServer: string | null | undefined): string {
  const domain = inboxServer ? normaliseDomain(inboxServer) : undefined;
  if (!domain) {
    throw AppError.validation('INBOX_SERVER', `EXCHANGE_INBOX ${code} has no address: INBOX_SERVER is ${inboxServer ? `not a domain ('${inboxServer}')` : 'not set'}`);
  }
  const local = code.trim().toLowerCase();
  if (!isEmailLocalPart(local)) {
    throw AppError.validation('code', `EXCHANGE_INBOX code '${code}' cannot be the first part of an email address`);
  }
  return `${local}@${domain}`;
}
