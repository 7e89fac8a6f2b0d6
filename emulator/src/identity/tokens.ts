/**
 * Signing and checking the tokens the emulated identity platform issues (RS256, key published in
 * the JWKS). Access tokens for Graph are v1-style app-only tokens, as Entra issues for
 * `https://graph.microsoft.com/.default` with client credentials.
 */
import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { exportJWK, jwtVerify, SignJWT, type JWK } from 'jose';
import type { AppState, Clock, UserState } from '../contracts.ts';
import { newGuid } from '../ids.ts';

export const graphAudience = 'https://graph.microsoft.com';
export const graphAppId = '00000003-0000-0000-c000-000000000000';

export interface AccessClaims {
  appid: string;
  roles?: string[];
  tid: string;
  exp: number;
  scp?: string;
  oid?: string;
}

export class TokenService {
  readonly kid: string;
  private privateKey: KeyObject;
  private publicKey: KeyObject;
  private jwk: Promise<JWK>;
  private verified = new Map<string, AccessClaims>();

  constructor(privateKeyPem: string, private clock: Clock) {
    this.privateKey = createPrivateKey(privateKeyPem);
    this.publicKey = createPublicKey(this.privateKey);
    const der = this.publicKey.export({ type: 'spki', format: 'der' });
    this.kid = createHash('sha1').update(der).digest('base64url');
    this.jwk = exportJWK(this.publicKey);
  }

  async jwks(issuer: string): Promise<{ keys: JWK[] }> {
    const k = await this.jwk;
    return { keys: [{ ...k, kty: 'RSA', use: 'sig', kid: this.kid, x5t: this.kid, issuer } as JWK] };
  }

  private nowSec(): number {
    return Math.floor(this.clock.nowMs() / 1000);
  }

  async appToken(app: AppState, tenantId: string, viaCertificate: boolean, lifetimeSec = 3599): Promise<string> {
    const now = this.nowSec();
    return new SignJWT({
      aud: graphAudience,
      iss: `https://sts.windows.net/${tenantId}/`,
      iat: now,
      nbf: now - 300,
      exp: now + lifetimeSec,
      aio: newGuid(),
      app_displayname: app.displayName ?? app.clientId,
      appid: app.clientId,
      appidacr: viaCertificate ? '2' : '1',
      idp: `https://sts.windows.net/${tenantId}/`,
      idtyp: 'app',
      oid: app.clientId,
      roles: app.roles,
      sub: app.clientId,
      tid: tenantId,
      uti: newGuid().replace(/-/g, ''),
      ver: '1.0',
    })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: this.kid, x5t: this.kid } as never)
      .sign(this.privateKey);
  }

  async delegatedToken(app: AppState, user: UserState, tenantId: string, scope: string, lifetimeSec = 3599): Promise<string> {
    const now = this.nowSec();
    return new SignJWT({
      aud: graphAudience,
      iss: `https://sts.windows.net/${tenantId}/`,
      iat: now,
      nbf: now - 300,
      exp: now + lifetimeSec,
      appid: app.clientId,
      idtyp: 'user',
      name: user.displayName,
      oid: user.id,
      scp: scope,
      sub: user.id,
      tid: tenantId,
      upn: user.userPrincipalName,
      ver: '1.0',
    })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: this.kid })
      .sign(this.privateKey);
  }

  async idToken(claims: Record<string, unknown>, lifetimeSec = 3600): Promise<string> {
    const now = this.nowSec();
    return new SignJWT({ iat: now, nbf: now, exp: now + lifetimeSec, ver: '2.0', ...claims })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: this.kid })
      .sign(this.privateKey);
  }

  /** Checks an access token presented to Graph. Throws an Error whose message is Graph's. */
  async verifyAccessToken(token: string): Promise<AccessClaims> {
    const cached = this.verified.get(token);
    if (cached) {
      if (cached.exp <= this.nowSec()) throw new Error('Lifetime validation failed, the token is expired.');
      return cached;
    }
    const parts = token.split('.');
    if (parts.length !== 3) throw new Error('IDX14100: JWT is not well formed, there are no dots (.).');
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, this.publicKey, { algorithms: ['RS256'], clockTolerance: 300, currentDate: this.clock.now() }));
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'ERR_JWT_EXPIRED') throw new Error('Lifetime validation failed, the token is expired.', { cause: e });
      throw new Error('Access token validation failure. Invalid signature.', { cause: e });
    }
    if (payload.aud !== graphAudience && payload.aud !== graphAppId) throw new Error('Access token validation failure. Invalid audience.');
    const claims: AccessClaims = {
      appid: String(payload.appid),
      roles: Array.isArray(payload.roles) ? (payload.roles as string[]) : undefined,
      tid: String(payload.tid),
      exp: Number(payload.exp),
      scp: typeof payload.scp === 'string' ? payload.scp : undefined,
      oid: typeof payload.oid === 'string' ? payload.oid : undefined,
    };
    if (claims.exp <= this.nowSec()) throw new Error('Lifetime validation failed, the token is expired.');
    if (this.verified.size > 10_000) this.verified.clear();
    this.verified.set(token, claims);
    return claims;
  }
}
