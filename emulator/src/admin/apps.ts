/**
 * App registrations through the admin API (`/_emulator/apps`): what an admin does in the Entra admin
 * centre — register an app (client id, a client secret and/or a certificate), give it application
 * permissions with admin consent — so a test can act as a second client (an Outlook user's tool
 * calling through Microsoft's own SDK, a second tenant app) without editing the state file.
 * A secret is shown once, when it is made, as in Entra.
 */
import { X509Certificate, randomBytes } from 'node:crypto';
import type { AdminRouteDef, AppState, RouteResult } from '../contracts.ts';
import { GraphError } from '../contracts.ts';
import type { Core } from '../core.ts';
import { newGuid } from '../ids.ts';

const ROLE = /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z0-9]+)+$/;

function bad(message: string): never {
  throw new GraphError(400, 'BadRequest', message);
}

function publicView(a: AppState): Record<string, unknown> {
  return { clientId: a.clientId, displayName: a.displayName ?? null, roles: a.roles, hasSecret: Boolean(a.clientSecret), hasCertificate: Boolean(a.certificatePem), redirectUris: a.redirectUris ?? [] };
}

export function registerAppRoutes(core: Core): void {
  const r = (def: AdminRouteDef) => core.registry.registerAdminRoute(def);
  const ok = (body?: unknown, status = 200): RouteResult => ({ status, body });
  const find = (clientId: string) => core.state.apps.find((a) => a.clientId.toLowerCase() === clientId.toLowerCase());

  r({ method: 'GET', pattern: '/apps', handler: () => ok({ value: core.state.apps.map(publicView) }) });

  r({ method: 'POST', pattern: '/apps', handler: (ctx) => {
    const b = ctx.body;
    if (!b || typeof b !== 'object' || Array.isArray(b)) bad('The body must be an app: { clientId?, displayName?, clientSecret?, certificatePem?, roles: [...], redirectUris? }.');
    const clientId = b.clientId === undefined ? newGuid() : typeof b.clientId === 'string' && /^[A-Za-z0-9-]{1,100}$/.test(b.clientId) ? b.clientId : bad('clientId must be a GUID (letters, digits and hyphens).');
    if (find(clientId)) throw new GraphError(409, 'Conflict', `An app with clientId '${clientId}' is registered already.`);
    const roles = b.roles === undefined ? [] : Array.isArray(b.roles) && b.roles.every((x: unknown) => typeof x === 'string' && ROLE.test(x)) ? [...new Set<string>(b.roles)] : bad('roles must be a list of application permissions, e.g. ["Mail.ReadWrite", "Calendars.Read"].');
    if (b.displayName !== undefined && (typeof b.displayName !== 'string' || b.displayName.length > 256)) bad('displayName must be text of at most 256 characters.');
    if (b.clientSecret !== undefined && (typeof b.clientSecret !== 'string' || b.clientSecret.length < 16 || b.clientSecret.length > 512)) bad('clientSecret must be 16 to 512 characters.');
    let certificatePem: string | undefined;
    if (b.certificatePem !== undefined) {
      if (typeof b.certificatePem !== 'string') bad('certificatePem must be a PEM certificate.');
      try {
        new X509Certificate(b.certificatePem);
      } catch {
        bad('certificatePem is not a readable X.509 certificate (PEM).');
      }
      certificatePem = b.certificatePem;
    }
    if (b.redirectUris !== undefined && !(Array.isArray(b.redirectUris) && b.redirectUris.every((u: unknown) => typeof u === 'string' && /^https?:\/\//.test(u)))) bad('redirectUris must be a list of http(s) URLs.');
    // No credential given: make a secret, as "New client secret" does, shown once.
    const clientSecret: string | undefined = b.clientSecret ?? (certificatePem ? undefined : randomBytes(30).toString('base64url'));
    const app: AppState = { clientId, displayName: b.displayName, roles, ...(clientSecret ? { clientSecret } : {}), ...(certificatePem ? { certificatePem } : {}), ...(b.redirectUris ? { redirectUris: b.redirectUris } : {}) };
    core.state.apps.push(app);
    core.markDirty();
    return ok({ ...publicView(app), ...(clientSecret && b.clientSecret === undefined ? { clientSecret } : {}) }, 201);
  } });

  r({ method: 'PATCH', pattern: '/apps/:clientId', handler: (ctx) => {
    const app = find(ctx.params.clientId) ?? (() => { throw new GraphError(404, 'NotFound', `App '${ctx.params.clientId}' not found.`); })();
    const b = ctx.body ?? {};
    if (b.roles !== undefined) {
      if (!(Array.isArray(b.roles) && b.roles.every((x: unknown) => typeof x === 'string' && ROLE.test(x)))) bad('roles must be a list of application permissions.');
      app.roles = [...new Set<string>(b.roles)];
    }
    core.markDirty();
    return ok(publicView(app));
  } });

  r({ method: 'DELETE', pattern: '/apps/:clientId', handler: (ctx) => {
    const app = find(ctx.params.clientId);
    if (!app) throw new GraphError(404, 'NotFound', `App '${ctx.params.clientId}' not found.`);
    core.state.apps = core.state.apps.filter((a) => a !== app);
    core.markDirty();
    return ok(undefined, 204);
  } });
}
