// Booking status as a state table (STYLE.md: state machines are data). BOOKED and MOVED are live;
// CAN (cancelled, with a reason) and COMPLETED are final.
export const BOOKING_STATUSES = ['BOOKED', 'MOVED', 'CAN', 'COMPLETED'] as const;
export type BookingStatus = (typeof BOOKING_STATUSES)[number];

export type BookingAction = 'move' | 'cancel' | 'complete' | 'edit';

const TRANSITIONS: Record<BookingStatus, Partial<Record<BookingAction, BookingStatus>>> = {
  BOOKED: { move: 'MOVED', cancel: 'CAN', complete: 'COMPLETED', edit: 'BOOKED' },
  MOVED: { move: 'MOVED', cancel: 'CAN', complete: 'COMPLETED', edit: 'MOVED' },
  CAN: {},
  COMPLETED: {},
};

export const STATUS_LABELS: Record<BookingStatus, string> = {
  BOOKED: 'Booked',
  MOVED: 'Moved',
  CAN: 'Cancelled',
  COMPLETED: 'Completed',
};

/** The status after `action`, or undefined when the state table forbids it. */
export function nextStatus(from: BookingStatus, action: BookingAction): BookingStatus | undefined {
  return TRANSITIONS[from][action];
}

export const isLive = (s: BookingStatus): boolean => s === 'BOOKED' || s === 'MOVED';
