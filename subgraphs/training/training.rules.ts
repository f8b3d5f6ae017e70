import { fail } from '../shared/errors';
import { TrainingSessionStatus } from './enums';

const ORGANISATION_CODE = /^[a-z][a-z0-9-]{1,39}$/;
const DAY = 86_400_000;

/** Lowest score that passes an assessment (scores run from 0 to 100). */
export const PASS_MARK = 70;
/** Largest number of participants a session may take. */
export const MAX_CAPACITY = 500;
/** Longest session, in days. */
export const MAX_SESSION_DAYS = 60;

/** Today's date in UTC (YYYY-MM-DD): sessions are planned in whole days, as operations are. */
export function today(now = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/** A session's status on `on` (today unless given): only the cancellation is stored, the rest follows from its days. */
export function sessionStatus(session: { startsOn: string; endsOn: string; cancelledAt?: Date | null }, on = today()): TrainingSessionStatus {
  if (session.cancelledAt) return TrainingSessionStatus.CANCELLED;
  if (session.endsOn < on) return TrainingSessionStatus.COMPLETED;
  if (session.startsOn <= on) return TrainingSessionStatus.IN_PROGRESS;
  return TrainingSessionStatus.SCHEDULED;
}

/** Input rules of the training subgraph; each failure names the field and what it accepts. */
export const rules = {
  text(field: string, value: string | undefined, max = 200): void {
    if (value !== undefined && (value.trim().length === 0 || value.length > max)) throw fail.badInput(`${field} must be 1 to ${max} characters`, field);
  },
  organisation(field: string, code: string | undefined): void {
    if (code !== undefined && !ORGANISATION_CODE.test(code)) {
      throw fail.badInput(`${field}: "${code}" is not an organisation code (lower case letters, digits and dashes, e.g. hub or ncb-tha)`, field);
    }
  },
  range(field: string, value: number | undefined, min: number, max: number): void {
    if (value !== undefined && !(Number.isInteger(value) && value >= min && value <= max)) throw fail.badInput(`${field} must be a whole number from ${min} to ${max}; got ${value}`, field);
  },
  /** A new session: a valid period of at most MAX_SESSION_DAYS that has not already ended. */
  sessionDays(startsOn: string, endsOn: string, on = today()): void {
    if (endsOn < startsOn) throw fail.badInput(`the session ends (${endsOn}) before it starts (${startsOn}): endsOn must be on or after startsOn`, 'endsOn');
    const days = (Date.parse(endsOn) - Date.parse(startsOn)) / DAY + 1;
    if (days > MAX_SESSION_DAYS) throw fail.badInput(`a session lasts at most ${MAX_SESSION_DAYS} days; ${startsOn} to ${endsOn} is ${days}`, 'endsOn');
    if (endsOn < on) throw fail.badInput(`the session would already have ended (${endsOn}): endsOn must be today (${on}) or later`, 'endsOn');
  },
  /** `from` and `to` of a filter, when both are given. */
  dateRange(from: string | undefined, to: string | undefined): void {
    if (from !== undefined && to !== undefined && to < from) throw fail.badInput(`to (${to}) is before from (${from}): give to on or after from`, 'to');
  },
};

/** `COURSE-YEAR-XXXXXXXX`: the course code, the year of issue and the tail of the enrolment id, so numbers never collide in practice (the column is unique). */
export function certificateNumber(courseCode: string, issuedOn: string, enrollmentId: string): string {
  return `${courseCode}-${issuedOn.slice(0, 4)}-${enrollmentId.replaceAll('-', '').slice(-8).toUpperCase()}`;
}
