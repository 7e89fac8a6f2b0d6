// Subscriptions as stored under `state.subscriptions` (plain JSON, snapshotted by the core).
// https://learn.microsoft.com/graph/api/resources/subscription

export interface SubscriptionTarget {
  userId: string;
  kind: 'messages' | 'events';
  /** Mail folder id (messages in one folder) or undefined (the whole mailbox / all events). */
  folderId?: string;
}

export interface SubscriptionState {
  id: string;
  resource: string;
  changeType: string;
  clientState: string | null;
  notificationUrl: string;
  lifecycleNotificationUrl: string | null;
  expirationDateTime: string;
  applicationId: string;
  creatorId: string;
  includeResourceData: boolean | null;
  latestSupportedTlsVersion: string;
  encryptionCertificate: string | null;
  encryptionCertificateId: string | null;
  notificationQueryOptions: string | null;
  notificationUrlAppId: string | null;
  /** Created with `Prefer: IdType="ImmutableId"`: notifications carry immutable ids. */
  immutableIds: boolean;
  target: SubscriptionTarget;
  /** Set by a reauthorizationRequired lifecycle event; cleared by PATCH or /reauthorize. */
  reauthorizationRequired?: boolean;
  /** Change notifications withheld (lost) until reauthorized — set by the admin API. */
  paused?: boolean;
}

export interface SubscriptionsState {
  items: Record<string, SubscriptionState>;
}

export function subscriptionsOf(state: { subscriptions?: unknown }): SubscriptionsState {
  const s = state.subscriptions as SubscriptionsState | undefined;
  if (!s || typeof s !== 'object' || !s.items) {
    state.subscriptions = { items: {} } satisfies SubscriptionsState;
  }
  return state.subscriptions as SubscriptionsState;
}

/** Maximum subscription length for Outlook message and event resources (10,080 minutes = 7 days).
 *  https://learn.microsoft.com/graph/api/resources/subscription#subscription-lifetime */
export const MAX_EXPIRATION_MINUTES = 10_080;

export function renderSubscription(s: SubscriptionState): Record<string, unknown> {
  return {
    id: s.id,
    resource: s.resource,
    applicationId: s.applicationId,
    changeType: s.changeType,
    clientState: s.clientState,
    notificationUrl: s.notificationUrl,
    notificationQueryOptions: s.notificationQueryOptions,
    lifecycleNotificationUrl: s.lifecycleNotificationUrl,
    expirationDateTime: s.expirationDateTime,
    creatorId: s.creatorId,
    includeResourceData: s.includeResourceData,
    latestSupportedTlsVersion: s.latestSupportedTlsVersion,
    encryptionCertificate: s.encryptionCertificate,
    encryptionCertificateId: s.encryptionCertificateId,
    notificationUrlAppId: s.notificationUrlAppId,
  };
}
