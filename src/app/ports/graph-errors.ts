/**
 * The few errors the rest of housing365 sees from Microsoft Graph. The adapter translates every Graph
 * status / error code into one of these at the edge (src/adapters/graph/errors.ts); flows decide
 * retry / resync / dead-letter by `kind` alone, never by Graph's own codes.
 */
export type GraphErrorKind =
  | 'throttled'
  | 'auth_failed'
  | 'permission_missing'
  | 'not_found'
  | 'cursor_expired'
  | 'too_large'
  | 'transient'
  | 'permanent';

export abstract class GraphFailure extends Error {
  abstract readonly kind: GraphErrorKind;
  /** Worth trying again later (throttled, transient, network, auth hiccups at the token endpoint). */
  abstract readonly retryable: boolean;
  constructor(
    message: string,
    /** Graph's error code when there was one (for logs and the outbox's "last error"). */
    readonly graphCode?: string,
    /** HTTP status, 0 for network failures / time-outs. */
    readonly status = 0,
    /** Graph's request-id header, to quote to Microsoft support. */
    readonly requestId?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** 429, or 503/504 with Retry-After, still failing after the client's own retries. */
export class GraphThrottled extends GraphFailure {
  readonly kind = 'throttled' as const;
  readonly retryable = true;
  constructor(message: string, readonly retryAfterMs?: number, graphCode?: string, status = 429, requestId?: string) {
    super(message, graphCode, status, requestId);
  }
}

/** 5xx, network errors, time-outs: the request may or may not have been carried out. */
export class GraphTransient extends GraphFailure {
  readonly kind = 'transient' as const;
  readonly retryable = true;
}

/** The token could not be obtained or was refused (wrong secret, expired certificate, wrong tenant). */
export class GraphAuthFailed extends GraphFailure {
  readonly kind = 'auth_failed' as const;
  readonly retryable = false;
}

/** 403: the app lacks an application permission, or Exchange RBAC scoping excludes the mailbox. */
export class GraphPermissionMissing extends GraphFailure {
  readonly kind = 'permission_missing' as const;
  readonly retryable = false;
}

export class GraphNotFound extends GraphFailure {
  readonly kind = 'not_found' as const;
  readonly retryable = false;
}

/** 410 Gone / syncStateNotFound / resyncRequired: the delta cursor must be dropped and a full sync run. */
export class GraphCursorExpired extends GraphFailure {
  readonly kind = 'cursor_expired' as const;
  readonly retryable = false;
}

/** 413, or a message over Graph's 150 MB limit. */
export class GraphTooLarge extends GraphFailure {
  readonly kind = 'too_large' as const;
  readonly retryable = false;
}

/** Any other 4xx: retrying the same request cannot succeed (bad recipient, invalid body …). */
export class GraphPermanent extends GraphFailure {
  readonly kind = 'permanent' as const;
  readonly retryable = false;
}

export function isGraphFailure(e: unknown): e is GraphFailure {
  return e instanceof GraphFailure;
}
