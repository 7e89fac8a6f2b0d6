// The Graph subscriptions the notification flow needs (https://learn.microsoft.com/graph/api/resources/subscription),
// free of Graph's DTOs. Implemented in src/adapters/graph/subscriptions.ts.

export interface SubscriptionInput {
  /** e.g. `users/{mailbox}/mailFolders('inbox')/messages` or `users/{mailbox}/events`. */
  resource: string;
  changeType: string;
  notificationUrl: string;
  lifecycleNotificationUrl: string;
  /** Our secret, echoed by Graph in every notification. */
  clientState: string;
  expiresAt: Date;
}

export interface SubscriptionInfo {
  id: string;
  expiresAt: Date;
}

export interface SubscriptionGateway {
  create(input: SubscriptionInput, mailbox: string): Promise<SubscriptionInfo>;
  /** Renewal (PATCH expirationDateTime); undefined when Graph no longer has it (404). */
  renew(id: string, expiresAt: Date, mailbox: string): Promise<SubscriptionInfo | undefined>;
  /** POST /subscriptions/{id}/reauthorize; false when Graph no longer has it. */
  reauthorize(id: string, mailbox: string): Promise<boolean>;
  /** Deleting one Graph no longer has is not an error. */
  remove(id: string, mailbox: string): Promise<void>;
}
