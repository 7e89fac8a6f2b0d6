import { describe, expect, it } from 'vitest';
import { crossParameterProblems, effectiveValues, normaliseDecimal, validateParameter, type ValidationContext } from './validate.ts';
import { COMPLETE_OUTLOOK365_PARAMETERS } from './complete-parameters.fixture.ts';

const REASONS = new Set(['OUTC', 'OUTM']);
const PG_ZONES = new Set(['Europe/London', 'America/New_York', 'UTC', 'Etc/UTC']);

function ctx(values: Record<string, string | null> = {}): ValidationContext {
  return {
    values: effectiveValues(values),
    codeExists: (table, code) => table === 'appointment_reasons' && REASONS.has(code),
    postgresTimeZones: PG_ZONES,
  };
}

const valid = (name: string, raw: string | null, values: Record<string, string | null> = {}) => {
  const r = validateParameter(name, raw, ctx(values));
  if (!r.ok) throw new Error(`expected ${name}=${raw} to be valid, got: ${r.message}`);
  return r;
};
const invalid = (name: string, raw: string | null, values: Record<string, string | null> = {}) => {
  const r = validateParameter(name, raw, ctx(values));
  if (r.ok) throw new Error(`expected ${name}=${raw} to be refused, it was accepted as ${r.value}`);
  return r.message;
};

describe('effectiveValues', () => {
  it('applies the guide defaults to unset or empty values and keeps set ones', () => {
    const v = effectiveValues({ EMI_POLL: '5', CALI_POLL: '', APPTIN_OUTLOOK365: null });
    expect(v.EMI_POLL).toBe('5');
    expect(v.CALI_POLL).toBe('1');
    expect(v.APPTIN_OUTLOOK365).toBe('N');
    expect(v.OUTLOOK365).toBeNull();
    expect(Object.keys(v)).toHaveLength(15);
  });
});

describe('validateParameter: names and clearing', () => {
  it('refuses an unknown parameter and lists the known ones', () => {
    const m = invalid('EMI_POLLING', '5');
    expect(m).toMatch(/^EMI_POLLING is not a system parameter; the parameters are OUTLOOK365, /);
    expect(m).toContain('OUTLOOK365_TIMEZONE');
  });

  it('accepts a parameter name in any case', () => {
    expect(valid('emi_poll', '5').value).toBe('5');
  });

  it('clears an optional parameter with an empty string, blanks or null', () => {
    expect(valid('EMI_POLL', '').value).toBeNull();
    expect(valid('EMI_POLL', '   ').value).toBeNull();
    expect(valid('EMI_POLL', null).value).toBeNull();
    expect(validateParameter('EMO_EMAILADDR', undefined, ctx())).toEqual({ ok: true, value: null });
  });

  it('refuses to clear a required parameter even though it has a default', () => {
    expect(invalid('CALI_POLL', '')).toBe("CALI_POLL is required and cannot be cleared (the guide's default is 1)");
    expect(invalid('APPTIN_OUTLOOK365', null)).toBe("APPTIN_OUTLOOK365 is required and cannot be cleared (the guide's default is N)");
  });
});

describe('validateParameter: Yes / No', () => {
  it.each(['Y', 'N', 'y', 'n', ' y '])('accepts %j and stores it upper case', (raw) => {
    expect(valid('EMAILOUT_OUTLOOK365', raw).value).toBe(raw.trim().toUpperCase());
  });

  it.each(['yes', 'no', 'true', '1', 'YN'])('refuses %j naming the rule', (raw) => {
    expect(invalid('OUTLOOK365', raw)).toBe(`OUTLOOK365 must be Y or N; '${raw}' is neither`);
  });
});

describe('validateParameter: poll minutes', () => {
  it.each([['5', '5'], ['1', '1'], ['05', '5'], [' 10 ', '10'], ['1440', '1440']])('accepts %j as %j', (raw, stored) => {
    expect(valid('EMI_POLL', raw).value).toBe(stored);
    expect(valid('CALI_POLL', raw).value).toBe(stored);
  });

  it.each(['0', '-5', '2.5', 'five', '5 minutes', '1e2'])('refuses %j as not a whole number of minutes', (raw) => {
    expect(invalid('EMI_POLL', raw)).toBe(`EMI_POLL must be a whole number of minutes, 1 or more; '${raw}' is not`);
    expect(invalid('CALI_POLL', raw)).toBe(`CALI_POLL must be a whole number of minutes, 1 or more; '${raw}' is not`);
  });

  it('refuses more than a day', () => {
    expect(invalid('EMI_POLL', '1441')).toBe('EMI_POLL must be at most 1440 minutes (one day); 1441 is too long');
  });
});

describe('validateParameter: EMAIL_ATT_FILESIZE', () => {
  it.each([['0.5', '0.5'], ['.5', '0.5'], ['0.50', '0.5'], ['2', '2'], ['2.0', '2'], ['0.0001', '0.0001'], ['1000', '1000']])(
    'accepts %j GB as %j',
    (raw, stored) => {
      expect(valid('EMAIL_ATT_FILESIZE', raw).value).toBe(stored);
    },
  );

  it.each(['0', '0.0', '-1', 'abc', '1,5', '1.2.3', '.'])('refuses %j', (raw) => {
    expect(invalid('EMAIL_ATT_FILESIZE', raw)).toBe(
      `EMAIL_ATT_FILESIZE must be a number of gigabytes greater than 0, such as 0.5; '${raw}' is not`,
    );
  });

  it('refuses more than 1000 GB (a value in MB typed as GB)', () => {
    expect(invalid('EMAIL_ATT_FILESIZE', '5000')).toBe('EMAIL_ATT_FILESIZE is in GB and must be at most 1000; 5000 is too large');
  });

  it("warns, without refusing, that Outlook 365's 150 MB limit applies above 0.15 GB", () => {
    const r = valid('EMAIL_ATT_FILESIZE', '1');
    expect(r.warnings).toEqual([
      {
        parameter: 'EMAIL_ATT_FILESIZE',
        message: 'EMAIL_ATT_FILESIZE is 1 GB, but Outlook 365 carries no attachment over 150 MB (0.15 GB), so 150 MB is the effective limit',
      },
    ]);
    expect(valid('EMAIL_ATT_FILESIZE', '0.1').warnings).toBeUndefined();
  });
});

describe('normaliseDecimal', () => {
  it('keeps small values out of exponent notation', () => {
    expect(normaliseDecimal('0.0000001')).toBe('0.0000001');
    expect(normaliseDecimal('000')).toBe('0');
    expect(normaliseDecimal('')).toBeUndefined();
  });
});

describe('validateParameter: INBOX_SERVER', () => {
  it.each([
    ['@housingorganisation.co.uk', 'housingorganisation.co.uk'],
    ['housingorganisation.co.uk', 'housingorganisation.co.uk'],
    ['  @HousingOrganisation.CO.UK ', 'housingorganisation.co.uk'],
    ['housing-org.example.', 'housing-org.example'],
  ])('accepts %j and stores %j', (raw, stored) => {
    expect(valid('INBOX_SERVER', raw).value).toBe(stored);
  });

  it.each(['localhost', 'housing organisation.co.uk', '-bad.co.uk', 'bad-.co.uk', '@@x.co.uk', 'x..co.uk', '10.0.0.1'])(
    'refuses %j as not a domain',
    (raw) => {
      expect(invalid('INBOX_SERVER', raw)).toBe(
        `INBOX_SERVER must be a domain name such as housingorganisation.co.uk or @housingorganisation.co.uk; '${raw}' is not`,
      );
    },
  );

  it('tells someone who typed a whole address to enter only the domain', () => {
    expect(invalid('INBOX_SERVER', 'asb@housingorganisation.co.uk')).toBe(
      "INBOX_SERVER must be a domain name such as housingorganisation.co.uk or @housingorganisation.co.uk (enter only the part after the @); 'asb@housingorganisation.co.uk' is not",
    );
  });

  it('refuses a change that would leave EMO_EMAILADDR in another domain, naming both', () => {
    const values = { INBOX_SERVER: 'housingorganisation.co.uk', EMO_EMAILADDR: 'housing@housingorganisation.co.uk' };
    expect(invalid('INBOX_SERVER', 'other.org', values)).toBe(
      'INBOX_SERVER cannot be other.org while EMO_EMAILADDR is housing@housingorganisation.co.uk: EMO_EMAILADDR must have the same domain as INBOX_SERVER; change EMO_EMAILADDR first',
    );
    expect(valid('INBOX_SERVER', '@HOUSINGORGANISATION.co.uk', values).value).toBe('housingorganisation.co.uk');
  });
});

describe('validateParameter: EMO_EMAILADDR', () => {
  it('accepts an address in the INBOX_SERVER domain, case-insensitively, and stores it lower case', () => {
    expect(valid('EMO_EMAILADDR', ' Housing@HousingOrganisation.co.uk ', { INBOX_SERVER: 'housingorganisation.co.uk' }).value).toBe(
      'housing@housingorganisation.co.uk',
    );
  });

  it('accepts any valid address while INBOX_SERVER is not set', () => {
    expect(valid('EMO_EMAILADDR', 'no-reply@anywhere.example').value).toBe('no-reply@anywhere.example');
  });

  it('refuses an address in another domain, naming INBOX_SERVER', () => {
    expect(invalid('EMO_EMAILADDR', 'housing@gmail.com', { INBOX_SERVER: 'housingorganisation.co.uk' })).toBe(
      "EMO_EMAILADDR must have the same domain as INBOX_SERVER (housingorganisation.co.uk), the organisation's Outlook 365 domain; 'housing@gmail.com' is in gmail.com",
    );
  });

  it('does not accept a subdomain as the same domain', () => {
    expect(validateParameter('EMO_EMAILADDR', 'a@mail.housingorganisation.co.uk', ctx({ INBOX_SERVER: 'housingorganisation.co.uk' })).ok).toBe(false);
  });

  it.each(['housing', 'housing@', '@housingorganisation.co.uk', 'a b@x.co.uk', 'a..b@x.co.uk', '.a@x.co.uk', 'a@x', 'Name <a@x.co.uk>'])(
    'refuses %j as not an email address',
    (raw) => {
      expect(invalid('EMO_EMAILADDR', raw)).toBe(`EMO_EMAILADDR must be an email address such as housing@housingorganisation.co.uk; '${raw}' is not`);
    },
  );
});

describe('validateParameter: OUTLOOK365_MOVE_VIOL_EMAIL', () => {
  const guideExample = 'Please review the following issue for the attempted move of the following appointment in your outlook calendar: ';

  it("accepts the guide's example subject, trimmed", () => {
    expect(valid('OUTLOOK365_MOVE_VIOL_EMAIL', guideExample).value).toBe(guideExample.trim());
  });

  it('accepts exactly 255 characters and refuses 256', () => {
    expect(valid('OUTLOOK365_MOVE_VIOL_EMAIL', 'x'.repeat(255)).value).toHaveLength(255);
    expect(invalid('OUTLOOK365_MOVE_VIOL_EMAIL', 'x'.repeat(256))).toBe('OUTLOOK365_MOVE_VIOL_EMAIL must be at most 255 characters; this is 256');
  });

  it('counts characters, not UTF-16 units', () => {
    expect(valid('OUTLOOK365_MOVE_VIOL_EMAIL', '📅'.repeat(255)).ok).toBe(true);
  });

  it('refuses line breaks and control characters: it is a subject line', () => {
    expect(invalid('OUTLOOK365_MOVE_VIOL_EMAIL', 'Cannot move\r\nBcc: x@y.z')).toBe(
      'OUTLOOK365_MOVE_VIOL_EMAIL is the subject of an email and must be a single line',
    );
    expect(invalid('OUTLOOK365_MOVE_VIOL_EMAIL', 'Cannot\tmove')).toBe('OUTLOOK365_MOVE_VIOL_EMAIL must not contain control characters such as tabs');
  });
});

describe('validateParameter: OUTLOOK365_TIMEZONE', () => {
  it.each(['GMT Standard Time', 'Pacific Standard Time', 'UTC', 'Europe/London', 'Asia/Kolkata', 'Europe/Kyiv'])('accepts %j', (zone) => {
    expect(valid('OUTLOOK365_TIMEZONE', zone).value).toBe(zone);
  });

  it('is case sensitive, as the guide says, and suggests the right case', () => {
    expect(invalid('OUTLOOK365_TIMEZONE', 'gmt standard time')).toBe("OUTLOOK365_TIMEZONE is case sensitive: did you mean 'GMT Standard Time'?");
    expect(invalid('OUTLOOK365_TIMEZONE', 'europe/london')).toBe("OUTLOOK365_TIMEZONE is case sensitive: did you mean 'Europe/London'?");
  });

  it('points an IANA name Graph does not accept to its Windows name', () => {
    expect(invalid('OUTLOOK365_TIMEZONE', 'Europe/Dublin')).toBe(
      "OUTLOOK365_TIMEZONE: Microsoft Graph does not accept the IANA name 'Europe/Dublin'; use its Windows name 'GMT Standard Time'",
    );
  });

  it('refuses a name that is no time zone', () => {
    expect(invalid('OUTLOOK365_TIMEZONE', 'Mars Standard Time')).toBe(
      "OUTLOOK365_TIMEZONE must be a Windows time-zone name such as 'GMT Standard Time', or an IANA name that Microsoft Graph accepts such as 'Europe/London'; 'Mars Standard Time' is neither",
    );
  });
});

describe('validateParameter: OUTLOOK365_ORACLE_TIMEZONE', () => {
  it('accepts a zone the database knows', () => {
    expect(valid('OUTLOOK365_ORACLE_TIMEZONE', 'Europe/London').value).toBe('Europe/London');
  });

  it('is case sensitive and suggests the database spelling', () => {
    expect(invalid('OUTLOOK365_ORACLE_TIMEZONE', 'EUROPE/LONDON')).toBe("OUTLOOK365_ORACLE_TIMEZONE is case sensitive: did you mean 'Europe/London'?");
  });

  it('refuses a zone the database does not know', () => {
    expect(invalid('OUTLOOK365_ORACLE_TIMEZONE', 'GMT Standard Time')).toBe(
      "OUTLOOK365_ORACLE_TIMEZONE must be a time zone the database knows (pg_timezone_names), such as 'Europe/London'; 'GMT Standard Time' is not one",
    );
  });
});

describe('validateParameter: coded parameters', () => {
  it('accepts an existing appointment reason code, matching upper case when needed', () => {
    expect(valid('APPT_OUTLOOK365_CANCEL_RSN', 'OUTC').value).toBe('OUTC');
    expect(valid('APPT_OUTLOOK365_MOVE_RSN', ' outm ').value).toBe('OUTM');
  });

  it('refuses a code that is not in the table', () => {
    expect(invalid('APPT_OUTLOOK365_CANCEL_RSN', 'XYZ')).toBe("APPT_OUTLOOK365_CANCEL_RSN must name an existing appointment reason code; 'XYZ' is not one");
    expect(invalid('APPT_OUTLOOK365_MOVE_RSN', 'XYZ')).toBe("APPT_OUTLOOK365_MOVE_RSN must name an existing appointment reason code; 'XYZ' is not one");
  });
});

describe('validateParameter: warnings when a switch is turned on', () => {
  it('accepts EMAILOUT_OUTLOOK365=Y without EMO_EMAILADDR and reports what is missing', () => {
    const r = valid('EMAILOUT_OUTLOOK365', 'Y', { OUTLOOK365: 'Y' });
    expect(r.warnings).toEqual([
      { parameter: 'EMO_EMAILADDR', message: 'EMAILOUT_OUTLOOK365 is Y but EMO_EMAILADDR is not set: outbound email needs it' },
    ]);
  });

  it('reports only problems the change creates', () => {
    const values = { OUTLOOK365: 'N', EMAILIN_OUTLOOK365: 'Y' };
    const r = valid('EMAILOUT_OUTLOOK365', 'Y', values);
    expect(r.warnings?.map((w) => w.message)).toEqual([
      'EMAILOUT_OUTLOOK365 is Y but EMO_EMAILADDR is not set: outbound email needs it',
      'EMAILOUT_OUTLOOK365 is Y but outbound email will not run until OUTLOOK365 is Y',
    ]);
  });

  it('warns when clearing a value a running flow needs', () => {
    const r = valid('EMI_POLL', '', { OUTLOOK365: 'Y', EMAILIN_OUTLOOK365: 'Y', INBOX_SERVER: 'x.co.uk', EMI_POLL: '5' });
    expect(r.warnings).toEqual([{ parameter: 'EMI_POLL', message: 'EMAILIN_OUTLOOK365 is Y but EMI_POLL is not set: inbound email needs it' }]);
  });

  it('has no warnings when everything needed is set', () => {
    expect(valid('EMAILOUT_OUTLOOK365', 'Y', { OUTLOOK365: 'Y', EMO_EMAILADDR: 'a@x.co.uk' }).warnings).toBeUndefined();
  });
});

describe('crossParameterProblems', () => {
  it('reports nothing when every switch is off', () => {
    expect(crossParameterProblems({})).toEqual([]);
  });

  it('EMAILOUT_OUTLOOK365=Y needs EMO_EMAILADDR', () => {
    expect(crossParameterProblems({ OUTLOOK365: 'Y', EMAILOUT_OUTLOOK365: 'Y' })).toEqual([
      { parameter: 'EMO_EMAILADDR', message: 'EMAILOUT_OUTLOOK365 is Y but EMO_EMAILADDR is not set: outbound email needs it' },
    ]);
  });

  it('EMAILIN_OUTLOOK365=Y needs INBOX_SERVER and EMI_POLL', () => {
    expect(crossParameterProblems({ OUTLOOK365: 'Y', EMAILIN_OUTLOOK365: 'Y' })).toEqual([
      { parameter: 'INBOX_SERVER', message: 'EMAILIN_OUTLOOK365 is Y but INBOX_SERVER is not set: inbound email needs it' },
      { parameter: 'EMI_POLL', message: 'EMAILIN_OUTLOOK365 is Y but EMI_POLL is not set: inbound email needs it' },
    ]);
  });

  it('APPTOUT_OUTLOOK365=Y needs INBOX_SERVER', () => {
    expect(crossParameterProblems({ OUTLOOK365: 'Y', APPTOUT_OUTLOOK365: 'Y' })).toEqual([
      { parameter: 'INBOX_SERVER', message: 'APPTOUT_OUTLOOK365 is Y but INBOX_SERVER is not set: outbound appointments needs it' },
    ]);
  });

  it('APPTIN_OUTLOOK365=Y needs all the inbound appointment parameters (CALI_POLL has its default)', () => {
    expect(crossParameterProblems({ OUTLOOK365: 'Y', APPTIN_OUTLOOK365: 'Y' }).map((p) => p.parameter)).toEqual([
      'APPT_OUTLOOK365_CANCEL_RSN',
      'APPT_OUTLOOK365_MOVE_RSN',
      'OUTLOOK365_MOVE_VIOL_EMAIL',
      'EMO_EMAILADDR',
    ]);
  });

  it('says a direction will not run while OUTLOOK365 is not Y', () => {
    expect(crossParameterProblems({ APPTOUT_OUTLOOK365: 'Y', INBOX_SERVER: 'x.co.uk' })).toEqual([
      { parameter: 'OUTLOOK365', message: 'APPTOUT_OUTLOOK365 is Y but outbound appointments will not run until OUTLOOK365 is Y' },
    ]);
  });

  it('reports an EMO_EMAILADDR outside the INBOX_SERVER domain', () => {
    expect(crossParameterProblems({ EMO_EMAILADDR: 'a@other.org', INBOX_SERVER: 'housingorganisation.co.uk' })).toEqual([
      { parameter: 'EMO_EMAILADDR', message: 'EMO_EMAILADDR (a@other.org) is not in the INBOX_SERVER domain (housingorganisation.co.uk)' },
    ]);
  });

  it('is satisfied by a complete configuration', () => {
    expect(crossParameterProblems(COMPLETE_OUTLOOK365_PARAMETERS)).toEqual([]);
  });
});
