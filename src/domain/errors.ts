/** Errors carry a stable code; only the edge turns them into words for a person. */
export abstract class DomainError extends Error {
  abstract readonly code: string;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export class TicketNotFoundError extends DomainError {
  readonly code = 'TICKET.NOT_FOUND';
  constructor(readonly trackingId: string) {
    super(`ticket ${trackingId} not found`);
  }
}

export class ConcurrencyError extends DomainError {
  readonly code = 'TICKET.CONFLICT';
  constructor(readonly key: string) {
    super(`concurrent update of ${key}`);
  }
}

export class ValidationError extends DomainError {
  readonly code = 'INPUT.INVALID';
  constructor(readonly issues: string[]) {
    super(`invalid input: ${issues.join('; ')}`);
  }
}

/** Storage did not answer in time or at all: nothing may be confirmed to a person. */
export class StorageUnavailableError extends DomainError {
  readonly code = 'STORAGE.UNAVAILABLE';
  constructor(readonly causeMessage: string) {
    super(`storage unavailable: ${causeMessage}`);
  }
}

export class NotAllowedError extends DomainError {
  readonly code = 'ACTION.NOT_ALLOWED';
  constructor(readonly reason: string) {
    super(`not allowed: ${reason}`);
  }
}

/** A reply could not be delivered to Teams; the activity will be re-delivered and retried. */
export class DeliveryError extends DomainError {
  readonly code = 'DELIVERY.FAILED';
  constructor(readonly status: number | undefined) {
    super(`delivery to Teams failed${status ? ` with ${status}` : ''}`);
  }
}
