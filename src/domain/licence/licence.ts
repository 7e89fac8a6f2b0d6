// Signed licence keys. A key is
//   H365-<base64url(JSON payload)>.<base64url(Ed25519 signature over exactly those payload bytes)>
// The vendor holds the private key and issues keys; the product holds public keys and verifies them.
// Only node:crypto: no I/O, so this stays in the domain.
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../../errors.ts';

export const LICENCE_FEATURES = ['OUTLOOK365', 'TASK_MANAGER'] as const;
export type LicenceFeature = (typeof LICENCE_FEATURES)[number];

export const LICENCE_KEY_PREFIX = 'H365-';

const IsoDate = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'not an ISO date');

export const LicencePayload = z.object({
  v: z.literal(1),
  customer: z.string().min(1),
  features: z.array(z.string().min(1)),
  issuedAt: IsoDate,
  expiresAt: IsoDate,
});
export type LicencePayload = z.infer<typeof LicencePayload>;

export interface Licence {
  customer: string;
  features: string[];
  expiresAt: Date;
  issuedAt: Date;
}

export type LicenceVerification = { ok: true; licence: Licence } | { ok: false; reason: string };

export function generateLicenceKeyPair(): { publicKeyPem: string; privateKeyPem: string } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519', {
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { publicKeyPem: publicKey, privateKeyPem: privateKey };
}

export interface LicenceRequest {
  customer: string;
  features: string[];
  expiresAt: Date;
  /** Defaults to now. */
  issuedAt?: Date;
}

export function issueLicence(privateKeyPem: string, request: LicenceRequest): string {
  const customer = request.customer.trim();
  if (!customer) throw AppError.validation('customer', 'A licence needs a customer name');
  const features = [...new Set(request.features.map((f) => f.trim().toUpperCase()))];
  if (features.length === 0) throw AppError.validation('features', `A licence needs at least one feature: ${LICENCE_FEATURES.join(', ')}`);
  const unknown = features.filter((f) => !(LICENCE_FEATURES as readonly string[]).includes(f));
  if (unknown.length > 0) {
    throw AppError.validation('features', `Unknown licence feature ${unknown.join(', ')}; the features are ${LICENCE_FEATURES.join(', ')}`);
  }
  const issuedAt = request.issuedAt ?? new Date();
  if (!isValidDate(request.expiresAt) || !isValidDate(issuedAt)) {
    throw AppError.validation('expiresAt', 'A licence needs a valid expiry date');
  }
  if (request.expiresAt.getTime() <= issuedAt.getTime()) {
    throw AppError.validation('expiresAt', 'A licence must expire after it is issued');
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(privateKeyPem);
  } catch {
    throw AppError.validation('privateKey', 'The private key is not a PEM-encoded key');
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw AppError.validation('privateKey', `The private key must be an Ed25519 key, not ${key.asymmetricKeyType}`);
  }
  const payload: LicencePayload = {
    v: 1,
    customer,
    features,
    issuedAt: issuedAt.toISOString(),
    expiresAt: request.expiresAt.toISOString(),
  };
  const bytes = Buffer.from(JSON.stringify(payload), 'utf8');
  const signature = sign(null, bytes, key);
  return `${LICENCE_KEY_PREFIX}${bytes.toString('base64url')}.${signature.toString('base64url')}`;
}

const MALFORMED = 'The licence key is malformed';
const BAD_SIGNATURE = 'The licence key was not issued for this product, or it has been altered (its signature does not match)';
const B64URL = /^[A-Za-z0-9_-]+$/;

/**
 * Checks the signature against each trusted public key (a product can trust more than one, e.g.
 * across a vendor key rotation), then the payload, then the expiry.
 */
export function verifyLicence(key: string, publicKeyPems: string[], now: Date): LicenceVerification {
  // Keys are pasted from emails and PDFs: ignore line breaks and spaces.
  const compact = key.replace(/\s+/g, '');
  if (!compact.startsWith(LICENCE_KEY_PREFIX)) {
    return { ok: false, reason: `${MALFORMED}: it must start with ${LICENCE_KEY_PREFIX}` };
  }
  const parts = compact.slice(LICENCE_KEY_PREFIX.length).split('.');
  if (parts.length !== 2 || !B64URL.test(parts[0]) || !B64URL.test(parts[1])) {
    return { ok: false, reason: `${MALFORMED}: it must be ${LICENCE_KEY_PREFIX}<payload>.<signature>` };
  }
  const payloadBytes = Buffer.from(parts[0], 'base64url');
  const signature = Buffer.from(parts[1], 'base64url');
  if (signature.length !== 64) {
    return { ok: false, reason: `${MALFORMED}: its signature is not an Ed25519 signature` };
  }
  const keys = publicKeyPems.map(parsePublicKey).filter((k): k is KeyObject => k !== undefined);
  if (keys.length === 0) {
    return { ok: false, reason: 'No Ed25519 public key is configured to check licence keys against' };
  }
  if (!keys.some((k) => verify(null, payloadBytes, k, signature))) {
    return { ok: false, reason: BAD_SIGNATURE };
  }
  let json: unknown;
  try {
    json = JSON.parse(payloadBytes.toString('utf8'));
  } catch {
    return { ok: false, reason: `${MALFORMED}: its payload is not JSON` };
  }
  const parsed = LicencePayload.safeParse(json);
  if (!parsed.success) {
    return { ok: false, reason: `${MALFORMED}: its payload is not a version 1 licence` };
  }
  const expiresAt = new Date(parsed.data.expiresAt);
  if (now.getTime() >= expiresAt.getTime()) {
    return { ok: false, reason: `The licence expired on ${expiresAt.toISOString().slice(0, 10)}` };
  }
  return {
    ok: true,
    licence: {
      customer: parsed.data.customer,
      features: parsed.data.features,
      expiresAt,
      issuedAt: new Date(parsed.data.issuedAt),
    },
  };
}

function parsePublicKey(pem: string): KeyObject | undefined {
  try {
    const k = createPublicKey(pem);
    return k.asymmetricKeyType === 'ed25519' ? k : undefined;
  } catch {
    return undefined;
  }
}

function isValidDate(d: Date): boolean {
  return d instanceof Date && !Number.isNaN(d.getTime());
}
