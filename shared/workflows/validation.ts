/** Checks shared by the operator requests of the workflow-driven blocks (firmware, diagnostics, reservations, local list). */

/** A request that cannot be carried out as stated; the message says what to change (the API answers 400). */
export class InvalidRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidRequest';
  }
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** An ISO 8601 date-time with a time zone, as OCPP's dateTime fields need. */
export const isDateTime = (v: unknown): v is string => typeof v === 'string' && DATE_TIME.test(v) && !Number.isNaN(Date.parse(v));
