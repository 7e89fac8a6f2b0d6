import { describe, expect, it } from 'vitest';
import { generateKeyPairSync, sign } from 'node:crypto';
import { AppError } from '../../errors.ts';
import { LICENCE_FEATURES, generateLicenceKeyPair, issueLicence, verifyLicence } from './licence.ts';

const vendor = generateLicenceKeyPair();
const other = generateLicenceKeyPair();
const issuedAt = new Date('2026-01-01T09:00:00.000Z');
const expiresAt = new Date('2026-12-31T00:00:00.000Z');
const now = new Date('2026-06-01T12:00:00.000Z');

const key = issueLicence(vendor.privateKeyPem, { customer: 'Acme Housing', features: ['OUTLOOK365'], expiresAt, issuedAt });

function decode(k: string): { payload: string; signature: string } {
  const [payload, signature] = k.slice('H365-'.length).split('.');
  return { payload, signature };
}

describe('licence keys', () => {
  it('lists the licensable features', () => {
    expect(LICENCE_FEATURES).toEqual(['OUTLOOK365', 'TASK_MANAGER']);
  });

  it('makes Ed25519 PEM key pairs', () => {
    expect(vendor.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    expect(vendor.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
  });

  it('has the form H365-<base64url JSON>.<base64url signature> with a version 1 payload', () => {
    expect(key).toMatch(/^H365-[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    const { payload, signature } = decode(key);
    expect(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))).toEqual({
      v: 1,
      customer: 'Acme Housing',
      features: ['OUTLOOK365'],
      issuedAt: '2026-01-01T09:00:00.000Z',
      expiresAt: '2026-12-31T00:00:00.000Z',
    });
    expect(Buffer.from(signature, 'base64url')).toHaveLength(64);
  });

  it('round-trips: a key verifies against the public key it was issued for', () => {
    expect(verifyLicence(key, [vendor.publicKeyPem], now)).toEqual({
      ok: true,
      licence: { customer: 'Acme Housing', features: ['OUTLOOK365'], expiresAt, issuedAt },
    });
  });

  it('accepts a key pasted with line breaks and spaces', () => {
    const pasted = `  ${key.slice(0, 40)}\n${key.slice(40, 90)} \r\n${key.slice(90)}\n`;
    expect(verifyLicence(pasted, [vendor.publicKeyPem], now).ok).toBe(true);
  });

  it('tries every trusted public key (vendor key rotation)', () => {
    expect(verifyLicence(key, [other.publicKeyPem, vendor.publicKeyPem], now).ok).toBe(true);
  });

  it('refuses a key signed by another key pair: not issued for this product', () => {
    expect(verifyLicence(key, [other.publicKeyPem], now)).toEqual({
      ok: false,
      reason: 'The licence key was not issued for this product, or it has been altered (its signature does not match)',
    });
  });

  it('refuses a tampered payload, e.g. a feature added or the expiry pushed out', () => {
    const { signature } = decode(key);
    const forged = {
      v: 1,
      customer: 'Acme Housing',
      features: ['OUTLOOK365', 'TASK_MANAGER'],
      issuedAt: '2026-01-01T09:00:00.000Z',
      expiresAt: '2099-12-31T00:00:00.000Z',
    };
    const tampered = `H365-${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${signature}`;
    const r = verifyLicence(tampered, [vendor.publicKeyPem], now);
    expect(r).toEqual({ ok: false, reason: expect.stringMatching(/^The licence key was not issued for this product, or it has been altered/) });
  });

  it('refuses a tampered signature', () => {
    const { payload, signature } = decode(key);
    const sig = Buffer.from(signature, 'base64url');
    sig[10] ^= 0x01;
    expect(verifyLicence(`H365-${payload}.${sig.toString('base64url')}`, [vendor.publicKeyPem], now).ok).toBe(false);
  });

  it('reports expiry with the date', () => {
    expect(verifyLicence(key, [vendor.publicKeyPem], new Date('2027-01-01T00:00:00Z'))).toEqual({
      ok: false,
      reason: 'The licence expired on 2026-12-31',
    });
    expect(verifyLicence(key, [vendor.publicKeyPem], expiresAt).ok).toBe(false);
    expect(verifyLicence(key, [vendor.publicKeyPem], new Date(expiresAt.getTime() - 1)).ok).toBe(true);
  });

  it.each([
    ['', 'The licence key is malformed: it must start with H365-'],
    ['ABCD-xyz.abc', 'The licence key is malformed: it must start with H365-'],
    ['H365-onlypayload', 'The licence key is malformed: it must be H365-<payload>.<signature>'],
    ['H365-a.b.c', 'The licence key is malformed: it must be H365-<payload>.<signature>'],
    ['H365-pay+load.sig/==', 'The licence key is malformed: it must be H365-<payload>.<signature>'],
    ['H365-abcd.abcd', 'The licence key is malformed: its signature is not an Ed25519 signature'],
  ])('refuses the malformed key %j', (bad, reason) => {
    expect(verifyLicence(bad, [vendor.publicKeyPem], now)).toEqual({ ok: false, reason });
  });

  it('refuses a vendor-signed payload that is not a version 1 licence', () => {
    // Only the vendor could produce this; it must still not be trusted blindly.
    const bytes = Buffer.from(JSON.stringify({ v: 2, customer: 'X' }));
    const sig = sign(null, bytes, vendor.privateKeyPem);
    expect(verifyLicence(`H365-${bytes.toString('base64url')}.${sig.toString('base64url')}`, [vendor.publicKeyPem], now)).toEqual({
      ok: false,
      reason: 'The licence key is malformed: its payload is not a version 1 licence',
    });
  });

  it('ignores configured public keys that are not Ed25519 and says when none is usable', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
    expect(verifyLicence(key, ['not a pem', rsa.publicKey], now)).toEqual({
      ok: false,
      reason: 'No Ed25519 public key is configured to check licence keys against',
    });
    expect(verifyLicence(key, ['not a pem', vendor.publicKeyPem], now).ok).toBe(true);
  });

  it('issues only known features, upper-cased and without duplicates', () => {
    const k = issueLicence(vendor.privateKeyPem, { customer: 'A', features: ['outlook365', 'OUTLOOK365', 'task_manager'], expiresAt, issuedAt });
    const r = verifyLicence(k, [vendor.publicKeyPem], now);
    expect(r.ok && r.licence.features).toEqual(['OUTLOOK365', 'TASK_MANAGER']);
    expect(() => issueLicence(vendor.privateKeyPem, { customer: 'A', features: ['CRM'], expiresAt })).toThrow(
      'Unknown licence feature CRM; the features are OUTLOOK365, TASK_MANAGER',
    );
  });

  it('refuses to issue without a customer, features, a future expiry or an Ed25519 private key', () => {
    const base = { customer: 'A', features: ['OUTLOOK365'], expiresAt, issuedAt };
    const err = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(AppError);
        return (e as AppError).message;
      }
      throw new Error('expected an error');
    };
    expect(err(() => issueLicence(vendor.privateKeyPem, { ...base, customer: ' ' }))).toBe('A licence needs a customer name');
    expect(err(() => issueLicence(vendor.privateKeyPem, { ...base, features: [] }))).toBe('A licence needs at least one feature: OUTLOOK365, TASK_MANAGER');
    expect(err(() => issueLicence(vendor.privateKeyPem, { ...base, expiresAt: issuedAt }))).toBe('A licence must expire after it is issued');
    expect(err(() => issueLicence(vendor.privateKeyPem, { ...base, expiresAt: new Date('nonsense') }))).toBe('A licence needs a valid expiry date');
    expect(err(() => issueLicence(vendor.publicKeyPem, base))).toBe('The private key is not a PEM-encoded key');
  });
});
