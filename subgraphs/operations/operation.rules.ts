import { COUNTRY_CODES } from '../shared/scalars';
import { fail } from '../shared/errors';
import { OPERATION_TRANSITIONS, OperationStatus } from './enums';

const OPERATION_CODE = /^[A-Z][A-Z0-9-]{2,39}$/;
const ORGANISATION_CODE = /^[a-z][a-z0-9-]{1,39}$/;

/** Input rules shared by create and update; each failure names the field and what it accepts. */
export const rules = {
  operationCode(code: string): void {
    if (!OPERATION_CODE.test(code)) throw fail.badInput(`code "${code}" is not valid: use 3 to 40 upper-case letters, digits or dashes, starting with a letter (e.g. SUNBIRD-V)`, 'code');
  },
  text(field: string, value: string | undefined, max = 200): void {
    if (value !== undefined && (value.trim().length === 0 || value.length > max)) throw fail.badInput(`${field} must be 1 to ${max} characters`, field);
  },
  period(start: string, end: string): void {
    if (end < start) throw fail.badInput(`the period ends (${end}) before it starts (${start}): endsOn must be on or after startsOn`, 'endsOn');
  },
  window(start: Date, end: Date): void {
    if (end.getTime() <= start.getTime()) throw fail.badInput(`the window ends (${end.toISOString()}) before it starts (${start.toISOString()}): endsAt must be after startsAt`, 'endsAt');
  },
  nonEmpty(field: string, values: unknown[] | undefined): void {
    if (values !== undefined && values.length === 0) throw fail.badInput(`${field} needs at least one value`, field);
  },
  organisations(field: string, codes: string[] | undefined): void {
    for (const code of codes ?? []) {
      if (!ORGANISATION_CODE.test(code)) throw fail.badInput(`${field}: "${code}" is not an organisation code (lower case letters, digits and dashes, e.g. wco or ncb-fra)`, field);
    }
  },
  countries(field: string, codes: string[] | undefined): void {
    for (const code of codes ?? []) {
      if (!COUNTRY_CODES.has(code)) throw fail.badInput(`${field}: "${code}" is not an ISO 3166-1 alpha-3 code`, field);
    }
  },
  range(field: string, value: number | undefined, min: number, max: number): void {
    if (value !== undefined && !(value >= min && value <= max)) throw fail.badInput(`${field} must be between ${min} and ${max}; got ${value}`, field);
  },
  transition(from: OperationStatus, to: OperationStatus): void {
    if (!OPERATION_TRANSITIONS[from].includes(to)) {
      const allowed = OPERATION_TRANSITIONS[from];
      throw fail.conflict(`an operation cannot go from ${from} to ${to}; from ${from} it can go to ${allowed.length ? allowed.join(' or ') : 'nothing (final)'}`);
    }
  },
};

/** The fields an update input sets: in this API a null or absent field leaves the value unchanged. */
export function changesOf<T extends object>(input: T): { [K in keyof T]?: Exclude<T[K], null> } {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined && value !== null)) as never;
}
