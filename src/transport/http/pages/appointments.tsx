// All appointment pages, registered together: set-up (admin) and the diaries and bookings (staff).
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../../app/context.ts';
import { registerAppointmentPushPages } from './appointment-push.tsx';
import { registerAppointmentSetupPages } from './appointment-setup.tsx';
import { registerBookingPages } from './bookings.tsx';
import { registerDiaryWeekPages } from './diary-week.tsx';
import { registerDiaryPages } from './diaries.tsx';

export function registerAppointmentPages(app: FastifyInstance, ctx: AppContext): void {
  registerAppointmentSetupPages(app, ctx);
  registerDiaryPages(app, ctx);
  registerDiaryWeekPages(app, ctx);
  registerBookingPages(app, ctx);
  registerAppointmentPushPages(app, ctx);
}
