/**
 * A private CA and a localhost server certificate signed by it. msal-node refuses http authorities,
 * so Graph and the identity platform are served over HTTPS; clients trust `caCertPath`
 * (NODE_EXTRA_CA_CERTS, or a custom network module with `ca`).
 * Keys come from node:crypto (fast); node-forge only builds and signs the X.509 structures.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import forge from 'node-forge';

export interface TlsMaterial {
  caCertPem: string;
  caKeyPem: string;
  certPem: string;
  keyPem: string;
  caCertPath: string;
}

function rsaPair(): { publicKey: string; privateKey: string } {
  return generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
}

function serial(): string {
  // positive serial: clear the top bit
  const b = randomBytes(16);
  b[0] &= 0x7f;
  return b.toString('hex');
}

function makeCa(): { certPem: string; keyPem: string } {
  const pair = rsaPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(pair.publicKey);
  cert.serialNumber = serial();
  cert.validity.notBefore = new Date(Date.now() - 24 * 3600e3);
  cert.validity.notAfter = new Date(Date.now() + 10 * 365 * 24 * 3600e3);
  const attrs = [{ name: 'commonName', value: 'Graph Emulator Local CA' }, { name: 'organizationName', value: 'graph-emulator' }];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(pair.privateKey) as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: pair.privateKey };
}

function makeServerCert(caCertPem: string, caKeyPem: string): { certPem: string; keyPem: string } {
  const pair = rsaPair();
  const ca = forge.pki.certificateFromPem(caCertPem);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(pair.publicKey);
  cert.serialNumber = serial();
  cert.validity.notBefore = new Date(Date.now() - 24 * 3600e3);
  // < 398 days: some TLS stacks refuse longer-lived leaf certificates
  cert.validity.notAfter = new Date(Date.now() + 390 * 24 * 3600e3);
  cert.setSubject([{ name: 'commonName', value: 'localhost' }]);
  cert.setIssuer(ca.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        { type: 2, value: 'localhost' },
        { type: 7, ip: '127.0.0.1' },
        { type: 7, ip: '::1' },
      ],
    },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(caKeyPem) as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: pair.privateKey };
}

/** Loads the CA and server cert from `dir`, or makes and writes them there. */
export function loadOrCreateTls(dir: string): TlsMaterial {
  mkdirSync(dir, { recursive: true });
  const p = (n: string) => join(dir, n);
  let caCertPem: string, caKeyPem: string;
  if (existsSync(p('ca.pem')) && existsSync(p('ca-key.pem'))) {
    caCertPem = readFileSync(p('ca.pem'), 'utf8');
    caKeyPem = readFileSync(p('ca-key.pem'), 'utf8');
  } else {
    const ca = makeCa();
    caCertPem = ca.certPem;
    caKeyPem = ca.keyPem;
    writeFileSync(p('ca-key.pem'), caKeyPem, { mode: 0o600 });
    writeFileSync(p('ca.pem'), caCertPem);
  }
  let certPem: string, keyPem: string;
  if (existsSync(p('server.pem')) && existsSync(p('server-key.pem'))) {
    certPem = readFileSync(p('server.pem'), 'utf8');
    keyPem = readFileSync(p('server-key.pem'), 'utf8');
  } else {
    const s = makeServerCert(caCertPem, caKeyPem);
    certPem = s.certPem;
    keyPem = s.keyPem;
    writeFileSync(p('server-key.pem'), keyPem, { mode: 0o600 });
    writeFileSync(p('server.pem'), certPem);
  }
  return { caCertPem, caKeyPem, certPem, keyPem, caCertPath: p('ca.pem') };
}

/** The RSA key that signs access and id tokens (persisted beside the CA). */
export function loadOrCreateSigningKey(dir: string): string {
  const f = join(dir, 'token-signing-key.pem');
  if (existsSync(f)) return readFileSync(f, 'utf8');
  const { privateKey } = rsaPair();
  writeFileSync(f, privateKey, { mode: 0o600 });
  return privateKey;
}
