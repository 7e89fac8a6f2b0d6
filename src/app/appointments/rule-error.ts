import { AppError } from '../../errors.ts';
import type { RuleCode, RuleFailure } from '../../domain/appointments/rules.ts';

/**
 * A booking rule said no. `rule` tells callers which rule (issue 7 decides on it; the API returns it);
 * `message` is the text a person acts on — and, for a move refused from Outlook, the body of the
 * move-violation email (guide §2.4.2).
 */
export class BookingRuleError extends AppError {
  readonly rule: RuleCode;
  constructor(failure: RuleFailure) {
    super(failure.rule === 'no_units' || failure.rule === 'booking_final' ? 'conflict' : 'validation', failure.message, [
      { field: failure.field, message: failure.message },
    ]);
    this.name = 'BookingRuleError';
    this.rule = failure.rule;
  }
}

export function throwIfFailed(failure: RuleFailure | undefined): void {
  if (failure) throw new BookingRuleError(failure);
}
