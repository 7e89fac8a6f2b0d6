// Registering an app through the admin API (POST /_emulator/apps), then acting as that second client
// exactly as an outside tool would: a token from @azure/msal-node (secret or certificate), calls
// through the official Graph SDK, and the app's application permissions enforced.
import { ConfidentialClientApplication } from '@azure/msal-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaNetworkClient, asb, makeAppCertificate, sdkError, startHarness, type Harness } from './helpers.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.stop());

const scopes = ['https://graph.microsoft.com/.default'];
function client(auth: ConstructorParameters<typeof ConfidentialClientApplication>[0]['auth']) {
  const msal = new ConfidentialClientApplication({ auth: { ...auth, authority: h.emu.authority, knownAuthorities: [`localhost:${h.emu.port}`] }, system: { networkClient: new CaNetworkClient(h.emu.caCertPem) } });
  const token = async () => (await msal.acquireTokenByClientCredential({ scopes }))!.accessToken;
  return { msal, token, graph: h.graph(token) };
}

describe('admin app registration', () => {
  it('registers an app with a generated secret and its permissions; msal-node gets a token and the Graph SDK reads mail with it', async () => {
    const reg = await h.admin('POST', '/apps', { displayName: 'Outlook user tool', roles: ['Mail.Read'] });
    expect(reg.status).toBe(201);
    expect(reg.body).toMatchObject({ displayName: 'Outlook user tool', roles: ['Mail.Read'], hasSecret: true, hasCertificate: false });
    expect(reg.body.clientSecret).toMatch(/^[\w-]{40}$/);
    const c = client({ clientId: reg.body.clientId, clientSecret: reg.body.clientSecret });
    const inbox = await c.graph.api(`/users/${asb}/mailFolders/inbox/messages`).select('id,subject').top(5).get();
    expect(Array.isArray(inbox.value)).toBe(true);
    // Mail.Read does not send.
    const e = await sdkError(c.graph.api(`/users/${asb}/sendMail`).post({ message: { subject: 'x', toRecipients: [{ emailAddress: { address: asb } }] } }));
    expect(e).toMatchObject({ statusCode: 403, code: 'ErrorAccessDenied' });
    // The secret is shown once; the list never shows it.
    const list = await h.admin('GET', '/apps');
    expect(list.body.value.find((a: any) => a.clientId === reg.body.clientId)).not.toHaveProperty('clientSecret');
  });

  it('registers an app with a certificate; the token comes from a signed client assertion', async () => {
    const cert = makeAppCertificate();
    const reg = await h.admin('POST', '/apps', { clientId: '6f0e3c1a-1111-4d2b-9c3e-0a0b0c0d0e0f', certificatePem: cert.certPem, roles: ['Mail.ReadWrite', 'Mail.Send'] });
    expect(reg.status).toBe(201);
    expect(reg.body).not.toHaveProperty('clientSecret');
    const c = client({ clientId: reg.body.clientId, clientCertificate: { thumbprintSha256: cert.thumbprintSha256, privateKey: cert.keyPem } });
    const draft = await c.graph.api(`/users/${asb}/messages`).post({ subject: 'From the second client', body: { contentType: 'text', content: 'hi' } });
    expect(draft.id).toBeTruthy();
  });

  it('changes and removes a registration: new permissions apply to the next token, a removed app gets none', async () => {
    const reg = await h.admin('POST', '/apps', { clientSecret: 'a-secret-of-enough-length', roles: ['User.Read.All'] });
    let c = client({ clientId: reg.body.clientId, clientSecret: 'a-secret-of-enough-length' });
    expect((await sdkError(c.graph.api(`/users/${asb}/messages`).get())).statusCode).toBe(403);
    expect((await h.admin('PATCH', `/apps/${reg.body.clientId}`, { roles: ['Mail.Read'] })).body.roles).toEqual(['Mail.Read']);
    c = client({ clientId: reg.body.clientId, clientSecret: 'a-secret-of-enough-length' }); // a fresh token cache
    expect((await c.graph.api(`/users/${asb}/messages`).top(1).get()).value).toBeDefined();
    expect((await h.admin('DELETE', `/apps/${reg.body.clientId}`)).status).toBe(204);
    const gone = client({ clientId: reg.body.clientId, clientSecret: 'a-secret-of-enough-length' });
    await expect(gone.token()).rejects.toThrow(/700016|not found in the directory/);
  });

  it('refuses a bad registration with 400 naming the field, and a second one of the same client id with 409', async () => {
    expect(await h.admin('POST', '/apps', { roles: 'Mail.Read' })).toMatchObject({ status: 400, body: { error: { message: expect.stringMatching(/^roles/) } } });
    expect(await h.admin('POST', '/apps', { certificatePem: 'not a pem' })).toMatchObject({ status: 400, body: { error: { message: expect.stringMatching(/^certificatePem/) } } });
    expect(await h.admin('POST', '/apps', { clientId: 'has spaces' })).toMatchObject({ status: 400, body: { error: { message: expect.stringMatching(/^clientId/) } } });
    const first = await h.admin('POST', '/apps', { clientId: '7a7a7a7a-0000-4000-8000-000000000001' });
    expect(first.status).toBe(201);
    expect((await h.admin('POST', '/apps', { clientId: '7a7a7a7a-0000-4000-8000-000000000001' })).status).toBe(409);
  });
});
