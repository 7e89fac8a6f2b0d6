import type { GraphSettings } from './index.ts';
/**
 * The demo tenant the embedded emulator starts with when no AZURE_TENANT_ID is set: the mailboxes
 * the guide's examples use, and one app registration holding the application permissions
 * housing365 needs (the same list docs/connect-microsoft-365.md asks a real tenant for).
 */
export const demoDomain = 'housingorganisation.co.uk';

export const demoApp = {
  clientId: '3f6b8e1a-7c2d-4e59-a0b4-365d0e000001',
  /** Only valid against the local emulator: it is not a secret. */
  clientSecret: 'housing365-demo-secret',
  displayName: 'housing365 (demo)',
};

/** Application permissions for all four directions (outbound/inbound mail, outbound/inbound calendar). */
// The production set (docs/connect-microsoft-365.md): the Read roles are for change-notification subscriptions.
export const demoAppRoles = ['Mail.Send', 'Mail.ReadWrite', 'Mail.Read', 'Calendars.ReadWrite', 'Calendars.Read', 'User.Read.All'];

export const demoMailboxes = {
  noreply: `noreply@${demoDomain}`,
  asb: `asb@${demoDomain}`,
  complaints: `complaints@${demoDomain}`,
  officers: [`sam.patel@${demoDomain}`, `alex.jones@${demoDomain}`],
};

export function demoSeed() {
  return {
    tenant: { id: 'd3e0a365-0000-4000-8000-00000000d3e0', domain: demoDomain, displayName: 'Housing Organisation (demo)' },
    users: [
      { userPrincipalName: demoMailboxes.noreply, displayName: 'Housing Organisation', givenName: 'No', surname: 'Reply' },
      { userPrincipalName: demoMailboxes.asb, displayName: 'Anti-social Behaviour Team' },
      { userPrincipalName: demoMailboxes.complaints, displayName: 'Complaints Team' },
      { userPrincipalName: demoMailboxes.officers[0], displayName: 'Sam Patel', givenName: 'Sam', surname: 'Patel', jobTitle: 'Housing Officer', password: 'demo' },
      { userPrincipalName: demoMailboxes.officers[1], displayName: 'Alex Jones', givenName: 'Alex', surname: 'Jones', jobTitle: 'Housing Officer', password: 'demo' },
    ],
    apps: [{ ...demoApp, roles: demoAppRoles }],
  };
}

/** Where a running emulator answers (the fields of its handle that a Graph client needs). */
export interface EmulatorEndpoints {
  tenantId: string;
  origin: string;
  graphBaseUrl: string;
  caCertPem: string;
}

/**
 * The settings of a Graph client signed in as the demo app on a running emulator — what demo mode,
 * the tests and the benches connect with; `transport` tunes retries and time-outs.
 */
export function demoGraphSettings(emulator: EmulatorEndpoints, transport?: GraphSettings['transport']): GraphSettings {
  return {
    tenantId: emulator.tenantId,
    clientId: demoApp.clientId,
    clientSecret: demoApp.clientSecret,
    authorityHost: emulator.origin,
    graphBaseUrl: emulator.graphBaseUrl,
    caPem: emulator.caCertPem,
    ...(transport ? { transport } : {}),
  };
}
