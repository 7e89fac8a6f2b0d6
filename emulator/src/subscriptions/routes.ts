// Subscriptions and change notifications.
// https://learn.microsoft.com/graph/api/subscription-post-subscriptions, subscription-get,
// subscription-list, subscription-update, subscription-delete, subscription-reauthorize;
// https://learn.microsoft.com/graph/change-notifications-lifecycle-events
import { GraphError, newGuid } from '../contracts.ts';
import type { ChangeEvent, EmulatorState, ModuleHost, RouteContext, RouteResult } from '../contracts.ts';
import { findEvent } from '../calendar/store.ts';
import { Deliverer, type DeliveryConfig } from './delivery.ts';
import { MAX_EXPIRATION_MINUTES, renderSubscription, subscriptionsOf, type SubscriptionState } from './model.ts';
import { covers, parseResource, rolesFor } from './resource.ts';
import { checkNotificationUrl, validateEndpoint } from './validation.ts';

const CHANGE_TYPES = ['created', 'updated', 'deleted'];
const LIFECYCLE_EVENTS = ['reauthorizationRequired', 'missed', 'subscriptionRemoved'];

function notFound(id: string): GraphError {
  return new GraphError(404, 'ResourceNotFound', `The object was not found. Subscription '${id}' does not exist.`);
}

function parseExpiration(raw: unknown, nowMs: number, operation: 'Create' | 'Update'): string {
  const t = typeof raw === 'string' ? Date.parse(raw) : NaN;
  if (Number.isNaN(t)) throw new GraphError(400, 'InvalidRequest', "The 'expirationDateTime' property is required and must be a date-time.");
  if (t <= nowMs) {
    throw new GraphError(400, 'ExtensionError', `Operation: ${operation}; Exception: [Status Code: BadRequest; Reason: Subscription expiration can only be in the future.]`);
  }
  if (t - nowMs > MAX_EXPIRATION_MINUTES * 60_000) {
    throw new GraphError(400, 'ExtensionError', `Subscription expiration can only be ${MAX_EXPIRATION_MINUTES} minutes in the future.`);
  }
  return new Date(t).toISOString().replace(/\.000Z$/, 'Z');
}

function parseChangeType(raw: unknown): string {
  if (typeof raw !== 'string' || !raw.trim()) throw new GraphError(400, 'InvalidRequest', "The 'changeType' property is required.");
  const parts = raw.split(',').map((s) => s.trim());
  for (const p of parts) {
    if (!CHANGE_TYPES.includes(p)) throw new GraphError(400, 'InvalidRequest', `Invalid 'changeType' attribute: '${p}'.`);
  }
  return parts.join(',');
}

export function register(host: ModuleHost): void {
  const deliverer = new Deliverer(host, host.clock, {}, (ids) => {
    // Notifications we gave up on: tell the app through lifecycle `missed`.
    for (const id of ids) {
      const sub = subscriptionsOf(host.getState()).items[id];
      if (sub) sendLifecycle(sub, 'missed');
    }
  });

  const live = (state: EmulatorState): Record<string, SubscriptionState> => {
    const items = subscriptionsOf(state).items;
    const now = host.clock.nowMs();
    for (const [id, s] of Object.entries(items)) {
      // Graph deletes a subscription that was not renewed in time.
      if (Date.parse(s.expirationDateTime) <= now) {
        delete items[id];
        host.markDirty();
      }
    }
    return items;
  };

  function sendLifecycle(sub: SubscriptionState, lifecycleEvent: string): void {
    if (!sub.lifecycleNotificationUrl) return;
    deliverer.enqueue(sub.lifecycleNotificationUrl, 'lifecycle', {
      subscriptionId: sub.id,
      subscriptionExpirationDateTime: sub.expirationDateTime,
      tenantId: host.getState().tenant.id,
      clientState: sub.clientState,
      lifecycleEvent,
    }, sub.id);
  }

  // Exchange's regular ids change when a message moves, and the feed reports a move after it
  // happened; remember the id a message had in each folder so a `deleted` notification for the
  // folder it left carries the id the app knew (https://learn.microsoft.com/graph/outlook-immutable-id).
  const regularIdIn = new Map<string, string>();

  function notification(state: EmulatorState, sub: SubscriptionState, change: ChangeEvent): Record<string, unknown> {
    const user = state.users[change.userId];
    let id = change.id;
    let etag: string | undefined;
    if (change.resource === 'messages') {
      const msg = user?.mailbox.messages[change.id];
      if (sub.immutableIds) id = change.id;
      else if (change.changeType === 'deleted') id = regularIdIn.get(`${change.id}|${change.folderId}`) ?? msg?.regularId ?? change.id;
      else if (msg) id = msg.regularId;
      if (msg) etag = msg.changeKey;
    } else if (user) {
      etag = findEvent(user, change.id)?.changeKey;
    }
    const kind = change.resource === 'messages' ? 'Messages' : 'Events';
    const path = `Users/${change.userId}/${kind}/${id}`;
    const resourceData: Record<string, unknown> = {
      '@odata.type': change.resource === 'messages' ? '#Microsoft.Graph.Message' : '#Microsoft.Graph.Event',
      '@odata.id': path,
    };
    if (etag && change.changeType !== 'deleted') resourceData['@odata.etag'] = `W/"${etag}"`;
    resourceData.id = id;
    return {
      subscriptionId: sub.id,
      subscriptionExpirationDateTime: sub.expirationDateTime,
      changeType: change.changeType,
      resource: path,
      resourceData,
      clientState: sub.clientState,
      tenantId: state.tenant.id,
    };
  }

  host.onChange((change) => {
    const state = host.getState();
    const subs = Object.values(live(state));
    for (const sub of subs) {
      if (!covers(sub, change) || sub.paused) continue;
      deliverer.enqueue(sub.notificationUrl, 'change', notification(state, sub, change), sub.id);
    }
    if (change.resource === 'messages') {
      const key = `${change.id}|${change.folderId}`;
      if (change.changeType === 'deleted') regularIdIn.delete(key);
      else if (subs.some((s) => s.target.kind === 'messages' && s.target.userId === change.userId)) {
        const msg = state.users[change.userId]?.mailbox.messages[change.id];
        if (msg) regularIdIn.set(key, msg.regularId);
      }
    }
  });
  host.onStateReplaced(() => {
    deliverer.clear();
    regularIdIn.clear();
  });
  host.clock.onAdvance(() => void live(host.getState()));

  const own = (ctx: RouteContext): SubscriptionState => {
    const sub = live(ctx.state)[ctx.params.id ?? ''];
    if (!sub || sub.applicationId !== ctx.app.clientId) throw notFound(ctx.params.id ?? '');
    return sub;
  };

  const context = (ctx: RouteContext, suffix: string) => `${ctx.graphBaseUrl}/$metadata#${suffix}`;

  host.registerRoute({ method: 'POST', pattern: '/subscriptions', roles: [], handler: async (ctx): Promise<RouteResult> => {
    const b = (ctx.body ?? {}) as Record<string, unknown>;
    const changeType = parseChangeType(b.changeType);
    const allowHttp = host.options.notificationsAllowHttp;
    const notificationUrl = checkNotificationUrl(b.notificationUrl, 'notificationUrl', allowHttp);
    const lifecycleNotificationUrl = b.lifecycleNotificationUrl == null ? null : checkNotificationUrl(b.lifecycleNotificationUrl, 'lifecycleNotificationUrl', allowHttp);
    if (typeof b.resource !== 'string' || !b.resource) throw new GraphError(400, 'InvalidRequest', "The 'resource' property is required.");
    const target = parseResource(ctx.state, b.resource);
    if (!rolesFor(target).some((r) => ctx.app.roles.includes(r))) {
      throw new GraphError(403, 'ExtensionError', 'Operation: Create; Exception: [Status Code: Forbidden; Reason: Access is denied. Check credentials and try again.]');
    }
    const expirationDateTime = parseExpiration(b.expirationDateTime, ctx.clock.nowMs(), 'Create');
    if (b.clientState != null && (typeof b.clientState !== 'string' || b.clientState.length > 128)) {
      throw new GraphError(400, 'InvalidRequest', "The 'clientState' property must be a string of at most 128 characters.");
    }
    if (b.includeResourceData === true) {
      throw new GraphError(400, 'InvalidRequest', 'Rich notifications (includeResourceData) are not supported by the emulator.');
    }
    await validateEndpoint(host, deliverer, notificationUrl, ctx.requestId);
    if (lifecycleNotificationUrl) await validateEndpoint(host, deliverer, lifecycleNotificationUrl, ctx.requestId);
    const sub: SubscriptionState = {
      id: newGuid(),
      resource: b.resource,
      changeType,
      clientState: (b.clientState as string | undefined) ?? null,
      notificationUrl,
      lifecycleNotificationUrl,
      expirationDateTime,
      applicationId: ctx.app.clientId,
      creatorId: ctx.app.clientId,
      includeResourceData: (b.includeResourceData as boolean | undefined) ?? null,
      latestSupportedTlsVersion: typeof b.latestSupportedTlsVersion === 'string' ? b.latestSupportedTlsVersion : 'v1_2',
      encryptionCertificate: null,
      encryptionCertificateId: null,
      notificationQueryOptions: null,
      notificationUrlAppId: null,
      immutableIds: ctx.preferImmutableIds,
      target,
    };
    subscriptionsOf(ctx.state).items[sub.id] = sub;
    if (sub.immutableIds) ctx.applyPreference('IdType="ImmutableId"');
    ctx.markDirty();
    return { status: 201, body: { '@odata.context': context(ctx, 'subscriptions/$entity'), ...renderSubscription(sub) } };
  } });

  host.registerRoute({ method: 'GET', pattern: '/subscriptions', roles: [], handler: (ctx) => {
    const mine = Object.values(live(ctx.state)).filter((s) => s.applicationId === ctx.app.clientId);
    return { status: 200, body: { '@odata.context': context(ctx, 'subscriptions'), value: mine.map(renderSubscription) } };
  } });

  host.registerRoute({ method: 'GET', pattern: '/subscriptions/:id', roles: [], handler: (ctx) => ({
    status: 200, body: { '@odata.context': context(ctx, 'subscriptions/$entity'), ...renderSubscription(own(ctx)) },
  }) });

  // Renew (expirationDateTime) and/or move (notificationUrl, re-validated). Also reauthorizes.
  host.registerRoute({ method: 'PATCH', pattern: '/subscriptions/:id', roles: [], handler: async (ctx) => {
    const sub = own(ctx);
    const b = (ctx.body ?? {}) as Record<string, unknown>;
    const next = { ...sub };
    if (b.expirationDateTime !== undefined) next.expirationDateTime = parseExpiration(b.expirationDateTime, ctx.clock.nowMs(), 'Update');
    if (b.notificationUrl !== undefined && b.notificationUrl !== sub.notificationUrl) {
      next.notificationUrl = checkNotificationUrl(b.notificationUrl, 'notificationUrl', host.options.notificationsAllowHttp);
      await validateEndpoint(host, deliverer, next.notificationUrl, ctx.requestId);
    }
    delete next.reauthorizationRequired;
    delete next.paused;
    subscriptionsOf(ctx.state).items[sub.id] = next;
    ctx.markDirty();
    return { status: 200, body: { '@odata.context': context(ctx, 'subscriptions/$entity'), ...renderSubscription(next) } };
  } });

  host.registerRoute({ method: 'DELETE', pattern: '/subscriptions/:id', roles: [], handler: (ctx) => {
    const sub = own(ctx);
    delete subscriptionsOf(ctx.state).items[sub.id];
    ctx.markDirty();
    return { status: 204 };
  } });

  host.registerRoute({ method: 'POST', pattern: '/subscriptions/:id/reauthorize', roles: [], handler: (ctx) => {
    const sub = own(ctx);
    delete sub.reauthorizationRequired;
    delete sub.paused;
    ctx.markDirty();
    return { status: 204 };
  } });

  // ─── admin ───
  host.registerAdminRoute({ method: 'GET', pattern: '/subscriptions', handler: (ctx) => ({
    status: 200, body: { value: Object.values(live(ctx.state)).map((s) => ({ ...renderSubscription(s), target: s.target, reauthorizationRequired: !!s.reauthorizationRequired, paused: !!s.paused })) },
  }) });

  // Trigger a lifecycle notification: {event: 'reauthorizationRequired'|'missed'|'subscriptionRemoved'}.
  // subscriptionRemoved also deletes the subscription, as Graph has then removed it.
  host.registerAdminRoute({ method: 'POST', pattern: '/subscriptions/:id/lifecycle', handler: (ctx) => {
    const sub = live(ctx.state)[ctx.params.id ?? ''];
    if (!sub) throw notFound(ctx.params.id ?? '');
    const event = (ctx.body as { event?: string; lifecycleEvent?: string } | undefined)?.event ?? (ctx.body as { lifecycleEvent?: string } | undefined)?.lifecycleEvent;
    if (!event || !LIFECYCLE_EVENTS.includes(event)) {
      throw new GraphError(400, 'InvalidRequest', `'event' must be one of ${LIFECYCLE_EVENTS.join(', ')}.`);
    }
    if (!sub.lifecycleNotificationUrl) {
      throw new GraphError(409, 'InvalidRequest', 'The subscription has no lifecycleNotificationUrl, so Graph would send it no lifecycle notifications.');
    }
    sendLifecycle(sub, event);
    if (event === 'reauthorizationRequired') {
      sub.reauthorizationRequired = true;
      // {pause: true}: delivery stops until the app reauthorizes (what Graph eventually does).
      if ((ctx.body as { pause?: unknown } | undefined)?.pause === true) sub.paused = true;
    }
    if (event === 'subscriptionRemoved') delete subscriptionsOf(ctx.state).items[sub.id];
    ctx.markDirty();
    return { status: 202, body: { subscriptionId: sub.id, lifecycleEvent: event } };
  } });

  // Delivery log (last 500 attempts: validation, change and lifecycle POSTs).
  host.registerAdminRoute({ method: 'GET', pattern: '/subscriptions/deliveries', handler: () => ({ status: 200, body: { value: deliverer.records } }) });

  // Tune delivery timing, e.g. {retryBaseMs: 50} for fast retry tests. Returns the config in force.
  host.registerAdminRoute({ method: 'POST', pattern: '/subscriptions/config', handler: (ctx) => {
    const b = (ctx.body ?? {}) as Partial<Record<keyof DeliveryConfig, unknown>>;
    for (const k of Object.keys(deliverer.config) as (keyof DeliveryConfig)[]) {
      const v = b[k];
      if (v === undefined) continue;
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new GraphError(400, 'InvalidRequest', `'${k}' must be a non-negative number.`);
      deliverer.config[k] = v;
    }
    return { status: 200, body: deliverer.config };
  } });
}
