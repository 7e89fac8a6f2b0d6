/**
 * The Graph adapter's front door: `createGraphGateway(settings)` builds the process's one Graph
 * client (token source, transport with its per-mailbox queues) and the gateways over it.
 */
import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { Agent, type Dispatcher } from 'undici';
import type { DirectoryUser, GraphGateway } from '../../app/ports/graph.ts';
import { createTokenSource, tokenRoles, type AppCredentials, type TokenSource } from './auth.ts';
import { createCalendarGateway } from './calendar.ts';
import { GraphNotFound } from './errors.ts';
import { createMailGateway } from './mail.ts';
import { createConversationGateway } from './conversation.ts';
import { createSubscriptionGateway } from './subscriptions.ts';
import { GraphTransport, type TransportOptions } from './transport.ts';

export interface GraphSettings extends AppCredentials {
  /** Extra CA (PEM file) trusted for Graph and the identity platform, on top of the system roots. */
  caFile?: string;
  /** Or the PEM text itself (the embedded emulator hands it over directly). */
  caPem?: string;
  transport?: Partial<Omit<TransportOptions, 'baseUrl' | 'token' | 'dispatcher'>>;
}

/** A connection pool that trusts the system roots plus our extra CA — for these calls only. */
export function createDispatcher(caPem?: string): Dispatcher | undefined {
  if (!caPem) return undefined;
  return new Agent({ connect: { ca: [...rootCertificates, caPem] }, keepAliveTimeout: 30_000, connections: 64 });
}

export function createGraphGateway(settings: GraphSettings): GraphGateway & { transport: GraphTransport; tokens: TokenSource } {
  const caPem = settings.caPem ?? (settings.caFile ? readFileSync(settings.caFile, 'utf8') : undefined);
  const dispatcher = createDispatcher(caPem);
  const tokens = createTokenSource(settings, dispatcher);
  const transport = new GraphTransport({ ...settings.transport, baseUrl: settings.graphBaseUrl, token: (force) => tokens.token(force), dispatcher });
  const seg = (s: string) => encodeURIComponent(s).replace(/%40/g, '@');
  const mail = createMailGateway(transport);
  return {
    transport,
    tokens,
    mail: { ...mail, ...createConversationGateway(transport, mail.addAttachment) },
    calendar: createCalendarGateway(transport),
    subscriptions: createSubscriptionGateway(transport),
    directory: {
      async findUser(addressOrUpn: string): Promise<DirectoryUser | undefined> {
        try {
          const res = await transport.json<{ id: string; userPrincipalName: string; displayName?: string; mail?: string }>({
            method: 'GET',
            path: `/users/${seg(addressOrUpn)}?$select=id,userPrincipalName,displayName,mail`,
          });
          return { id: res.body.id, userPrincipalName: res.body.userPrincipalName, displayName: res.body.displayName ?? undefined, mail: res.body.mail ?? undefined };
        } catch (e) {
          if (e instanceof GraphNotFound) return undefined;
          throw e;
        }
      },
    },
    async checkToken() {
      return tokenRoles(await tokens.token());
    },
    endpoints: { graphBaseUrl: transport.baseUrl, authority: tokens.describe().authority },
    stats: transport.stats,
    async close() {
      await dispatcher?.close().catch(() => {});
    },
  };
}

export type { GraphTransport } from './transport.ts';
