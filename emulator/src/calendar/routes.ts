// Calendar module entry point: registers Graph and admin routes with the core.
import type { ModuleHost, RouteDef, RouteHandler } from '../contracts.ts';
import { registerCalendarAdmin } from './admin.ts';
import { cancelEvent, createEvent, deleteEvent, getEvent, listEvents, listInstances, respondEvent, updateEvent } from './event-routes.ts';
import { calendarOf } from './store.ts';
import { calendarViewDelta, createCalendar, getCalendar, listCalendarView, listCalendars } from './view-routes.ts';

const READ = ['Calendars.Read', 'Calendars.ReadWrite'];
const WRITE = ['Calendars.ReadWrite'];

/** The three ways Graph addresses a calendar's events. */
const SCOPES = ['/users/:user', '/users/:user/calendar', '/users/:user/calendars/:cal'];

export function register(host: ModuleHost): void {
  const add = (method: RouteDef['method'], pattern: string, roles: string[], handler: RouteHandler) =>
    host.registerRoute({ method, pattern, roles, handler });

  for (const scope of SCOPES) {
    add('GET', `${scope}/events`, READ, listEvents);
    add('POST', `${scope}/events`, WRITE, (ctx) => createEvent(ctx, host));
    add('GET', `${scope}/events/:id`, READ, getEvent);
    add('PATCH', `${scope}/events/:id`, WRITE, (ctx) => updateEvent(ctx, host));
    add('DELETE', `${scope}/events/:id`, WRITE, (ctx) => deleteEvent(ctx, host));
    add('POST', `${scope}/events/:id/cancel`, WRITE, (ctx) => cancelEvent(ctx, host));
    add('POST', `${scope}/events/:id/accept`, WRITE, (ctx) => respondEvent(ctx, host, 'accept'));
    add('POST', `${scope}/events/:id/tentativelyAccept`, WRITE, (ctx) => respondEvent(ctx, host, 'tentativelyAccept'));
    add('POST', `${scope}/events/:id/decline`, WRITE, (ctx) => respondEvent(ctx, host, 'decline'));
    add('GET', `${scope}/events/:id/instances`, READ, listInstances);
    add('GET', `${scope}/calendarView`, READ, listCalendarView);
    add('GET', `${scope}/calendarView/delta`, READ, calendarViewDelta);
  }
  add('GET', '/users/:user/calendar', READ, getCalendar);
  add('GET', '/users/:user/calendars', READ, listCalendars);
  add('POST', '/users/:user/calendars', WRITE, createCalendar);
  add('GET', '/users/:user/calendars/:cal', READ, getCalendar);

  registerCalendarAdmin(host);

  // Every user gets a default calendar (seed, reset, admin-created users, loaded snapshots).
  host.onUserCreated((user) => void calendarOf(user));
  host.onStateReplaced((state) => {
    for (const user of Object.values(state.users)) calendarOf(user);
  });
  for (const user of Object.values(host.getState().users)) calendarOf(user);
}
