import { describe, expect, it } from 'vitest';
import { domainOf, isDomainName, isEmailLocalPart, normaliseDomain, parseEmailAddress } from './email.ts';

describe('email helpers', () => {
  it('accepts dot-atom local parts up to 64 characters', () => {
    expect(isEmailLocalPart('asb')).toBe(true);
    expect(isEmailLocalPart('first.last+tag')).toBe(true);
    expect(isEmailLocalPart('x'.repeat(64))).toBe(true);
    expect(isEmailLocalPart('x'.repeat(65))).toBe(false);
    expect(isEmailLocalPart('a..b')).toBe(false);
    expect(isEmailLocalPart('"quoted"')).toBe(false);
    expect(isEmailLocalPart('')).toBe(false);
  });

  it('accepts host names of two or more labels with a non-numeric top level', () => {
    expect(isDomainName('housingorganisation.co.uk')).toBe(true);
    expect(isDomainName('xn--bcher-kva.example')).toBe(true);
    expect(isDomainName('a'.repeat(63) + '.uk')).toBe(true);
    expect(isDomainName('a'.repeat(64) + '.uk')).toBe(false);
    expect(isDomainName('uk')).toBe(false);
    expect(isDomainName('1.2.3.4')).toBe(false);
    expect(isDomainName('Upper.Case')).toBe(false);
    expect(isDomainName('under_score.co.uk')).toBe(false);
  });

  it("normalises the guide's @domain form", () => {
    expect(normaliseDomain(' @HousingOrganisation.co.uk. ')).toBe('housingorganisation.co.uk');
    expect(normaliseDomain('@')).toBeUndefined();
  });

  it('parses and lower-cases addresses', () => {
    expect(parseEmailAddress(' ASB@HousingOrganisation.co.uk ')).toEqual({ local: 'asb', domain: 'housingorganisation.co.uk' });
    expect(parseEmailAddress('a@b@c.co.uk')).toBeUndefined();
    expect(parseEmailAddress(`${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(60)}.uk`)).toBeUndefined();
    expect(domainOf('housing@housingorganisation.co.uk')).toBe('housingorganisation.co.uk');
    expect(domainOf('nonsense')).toBeUndefined();
  });
});
