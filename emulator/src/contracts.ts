/**
 * Contracts between the emulator core (server, identity, mail, admin) and the modules that plug
 * into it (`src/calendar/routes.ts`, `src/subscriptions/routes.ts`).
 *
 * A module exports `register(host: ModuleHost): void | Promise<void>`; the core calls it once at
 * start, before the server listens. Everything a module needs comes through `ModuleHost` and the
 * `RouteContext` handed to each handler — modules never import the server.
 *
 * Stable: add fields, never rename or remove them.
 */
export type * from './contracts/state.ts';
export * from './contracts/routing.ts';
export type * from './contracts/module-host.ts';

export { newGuid, newImmutableId, newRegularId, newChangeKey, newInternetMessageId, newConversationId } from './ids.ts';
