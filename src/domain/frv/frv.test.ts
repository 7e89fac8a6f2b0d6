import { describe, expect, it } from 'vitest';
import { AppError } from '../../errors.ts';
import { ATTACHMENT_TYPE_CODES, FRV_DOMAINS, getFrvDomain, inboxAddress, validateFrv } from './frv.ts';

describe('FRV_DOMAINS', () => {
  it('has the two FRVs the guide adds for inbound email, with its descriptions word for word', () => {
    expect(FRV_DOMAINS.map((d) => d.domain)).toEqual(['EXCHANGE_INBOX', 'EMAIL_ATT_FILETYPE']);
    expect(getFrvDomain('EXCHANGE_INBOX')?.description).toBe(
      'enter the first part of the Exchange Accounts that are to be polled for your organisation in the description for the FRV.  For example where Exchange Accounts to be polled are asb@housingorganisation.co.uk and complaints@housingorganisation.co.uk , you would enter ASB and COMPLAINTS as the values.',
    );
    expect(getFrvDomain('EMAIL_ATT_FILETYPE')?.description).toBe(
      'enter the relevant permitted MIME types that your organisation wants to allow attachments to be saved for – e.g. DOCX, JPG, PDF',
    );
    expect(FRV_DOMAINS.every((d) => d.guideSection === '2.2.3')).toBe(true);
  });
});

describe('validateFrv', () => {
  it("accepts the guide's examples", () => {
    expect(validateFrv('EXCHANGE_INBOX', 'ASB', 'Anti-social behaviour')).toBeNull();
    expect(validateFrv('EXCHANGE_INBOX', 'COMPLAINTS', 'Complaints inbox')).toBeNull();
    for (const code of ['DOCX', 'JPG', 'PDF']) expect(validateFrv('EMAIL_ATT_FILETYPE', code, `${code} files`)).toBeNull();
  });

  it('refuses an unknown domain', () => {
    expect(validateFrv('COLOURS', 'RED', 'Red')).toEqual({
      field: 'domain',
      message: 'COLOURS is not an FRV domain; the domains are EXCHANGE_INBOX, EMAIL_ATT_FILETYPE',
    });
  });

  it.each(['', 'asb', 'A-B', 'A.B', 'A B', 'X'.repeat(31)])('refuses the code %j', (code) => {
    expect(validateFrv('EXCHANGE_INBOX', code, 'x')).toEqual({
      field: 'code',
      message: `EXCHANGE_INBOX codes must be 1 to 30 characters of upper-case letters A-Z, digits and _; '${code}' is not`,
    });
  });

  it('accepts a 30-character code with digits and underscores', () => {
    expect(validateFrv('EXCHANGE_INBOX', 'REPAIRS_2_' + 'X'.repeat(20), 'Repairs')).toBeNull();
  });

  it('refuses an attachment type it cannot check, listing the ones it can', () => {
    const p = validateFrv('EMAIL_ATT_FILETYPE', 'EXE', 'Programs');
    expect(p?.field).toBe('code');
    expect(p?.message).toBe(`EMAIL_ATT_FILETYPE code 'EXE' is not a file type housing365 can check; the types are ${ATTACHMENT_TYPE_CODES.join(', ')}`);
  });

  it('needs a one-line description of at most 255 characters', () => {
    expect(validateFrv('EXCHANGE_INBOX', 'ASB', '  ')).toEqual({ field: 'description', message: 'EXCHANGE_INBOX ASB needs a description' });
    expect(validateFrv('EXCHANGE_INBOX', 'ASB', 'a\nb')).toEqual({ field: 'description', message: 'The description of EXCHANGE_INBOX ASB must be a single line' });
    expect(validateFrv('EXCHANGE_INBOX', 'ASB', 'x'.repeat(255))).toBeNull();
    expect(validateFrv('EXCHANGE_INBOX', 'ASB', 'x'.repeat(256))).toEqual({
      field: 'description',
      message: 'The description of EXCHANGE_INBOX ASB must be at most 255 characters',
    });
  });
});

describe('inboxAddress', () => {
  it('lower-cases the code and joins it to INBOX_SERVER, in either of its forms', () => {
    expect(inboxAddress('ASB', 'housingorganisation.co.uk')).toBe('asb@housingorganisation.co.uk');
    expect(inboxAddress('COMPLAINTS', '@HousingOrganisation.co.uk')).toBe('complaints@housingorganisation.co.uk');
  });

  it('fails, naming INBOX_SERVER, when it is not set or not a domain', () => {
    expect(() => inboxAddress('ASB', null)).toThrow(AppError);
    expect(() => inboxAddress('ASB', null)).toThrow('EXCHANGE_INBOX ASB has no address: INBOX_SERVER is not set');
    expect(() => inboxAddress('ASB', 'not a domain')).toThrow("EXCHANGE_INBOX ASB has no address: INBOX_SERVER is not a domain ('not a domain')");
  });
});
