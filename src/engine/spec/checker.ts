/**
 * Small building blocks of the validator: an issue collector and field readers that report a
 * precise JSON pointer and a message saying what is allowed and what was found. Readers never
 * throw; on a bad value they record an error and return the default so that validation goes on
 * and every problem of the file is reported at once.
 */
import type { SpecIssue } from '../../shared/experiment';
import { closest } from './suggest';

export type Obj = Record<string, unknown>;

export class Checker {
  readonly issues: SpecIssue[] = [];
  private errors = 0;

  error(path: string, message: string): void {
    this.issues.push({ path, message, severity: 'error' });
    this.errors++;
  }

  warn(path: string, message: string): void {
    this.issues.push({ path, message, severity: 'warning' });
  }

  get errorCount(): number {
    return this.errors;
  }
}

export function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Own properties only: a key like "constructor" must not find Object.prototype's. */
export function has(obj: Obj, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(obj, key) && obj[key] !== undefined;
}

export function get(obj: Obj, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
}

/** RFC 6901 pointer to a child. */
export function child(base: string, key: string | number): string {
  return `${base}/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

/** A short, safe rendering of a found value for messages. */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'nothing';
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : String(v);
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 37)}...` : v);
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === 'object') return 'an object';
  return typeof v;
}

export interface NumberRule {
  integer?: boolean;
  /** Inclusive bounds. */
  min?: number;
  max?: number;
  /** Exclusive bounds. */
  gt?: number;
  lt?: number;
}

/** "a number > 0", "an integer in [1, 4096]", "a number in [0, 1)". */
export function ruleText(rule: NumberRule): string {
  const what = rule.integer ? 'an integer' : 'a number';
  const lo = rule.min !== undefined ? `[${rule.min}` : rule.gt !== undefined ? `(${rule.gt}` : undefined;
  const hi = rule.max !== undefined ? `${rule.max}]` : rule.lt !== undefined ? `${rule.lt})` : undefined;
  if (lo && hi) return `${what} in ${lo}, ${hi}`;
  if (rule.min !== undefined) return `${what} >= ${rule.min}`;
  if (rule.gt !== undefined) return `${what} > ${rule.gt}`;
  if (rule.max !== undefined) return `${what} <= ${rule.max}`;
  if (rule.lt !== undefined) return `${what} < ${rule.lt}`;
  return what;
}

export function numberOk(v: unknown, rule: NumberRule): v is number {
  if (typeof v !== 'number' || !Number.isFinite(v)) return false;
  if (rule.integer && !Number.isSafeInteger(v)) return false;
  if (rule.min !== undefined && v < rule.min) return false;
  if (rule.max !== undefined && v > rule.max) return false;
  if (rule.gt !== undefined && v <= rule.gt) return false;
  if (rule.lt !== undefined && v >= rule.lt) return false;
  return true;
}

/** Reads an optional number field; a missing field gives `fallback`. */
export function readNumber(c: Checker, obj: Obj, key: string, base: string, rule: NumberRule, fallback: number): number;
export function readNumber(c: Checker, obj: Obj, key: string, base: string, rule: NumberRule, fallback?: undefined): number | undefined;
export function readNumber(c: Checker, obj: Obj, key: string, base: string, rule: NumberRule, fallback?: number): number | undefined {
  if (!has(obj, key)) return fallback;
  const v = get(obj, key);
  if (numberOk(v, rule)) return v;
  c.error(child(base, key), `must be ${ruleText(rule)}, got ${describe(v)}`);
  return fallback;
}

export function readBoolean(c: Checker, obj: Obj, key: string, base: string, fallback: boolean): boolean {
  if (!has(obj, key)) return fallback;
  const v = get(obj, key);
  if (typeof v === 'boolean') return v;
  c.error(child(base, key), `must be true or false, got ${describe(v)}`);
  return fallback;
}

/** Reads an optional string; `nonEmpty` rejects "" and whitespace. */
export function readString(c: Checker, obj: Obj, key: string, base: string, nonEmpty: boolean): string | undefined {
  if (!has(obj, key)) return undefined;
  const v = get(obj, key);
  if (typeof v === 'string' && (!nonEmpty || v.trim() !== '')) return v;
  c.error(child(base, key), `must be a${nonEmpty ? ' non-empty' : ''} string, got ${describe(v)}`);
  return undefined;
}

/** Checks a name against a closed list; the message lists the choices and guesses a typo. */
export function checkEnum<T extends string>(c: Checker, v: unknown, path: string, allowed: readonly T[], what: string): T | undefined {
  if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) return v as T;
  const list = allowed.join(', ');
  if (typeof v === 'string') {
    const guess = closest(v, allowed);
    const shown = v.length > 40 ? `${v.slice(0, 37)}...` : v;
    c.error(path, `unknown ${what} '${shown}'; expected one of ${list}${guess ? `; did you mean '${guess}'?` : ''}`);
  } else {
    c.error(path, `must be one of ${list}, got ${describe(v)}`);
  }
  return undefined;
}

export function readEnum<T extends string>(c: Checker, obj: Obj, key: string, base: string, allowed: readonly T[], what: string): T | undefined {
  if (!has(obj, key)) return undefined;
  return checkEnum(c, get(obj, key), child(base, key), allowed, what);
}

/** Unknown properties are warnings: a typo must not stop a run, but the user should see it. */
export function warnUnknown(c: Checker, obj: Obj, base: string, known: readonly string[]): void {
  for (const key of Object.keys(obj)) {
    if (known.includes(key)) continue;
    const guess = closest(key, known);
    const hint = guess ? `did you mean '${guess}'?` : `expected one of ${known.join(', ')}`;
    c.warn(child(base, key), `unknown property '${key}' (ignored); ${hint}`);
  }
}

/** Reads a field that must be an object if present; reports and returns undefined otherwise. */
export function readObject(c: Checker, obj: Obj, key: string, base: string): Obj | undefined {
  if (!has(obj, key)) return undefined;
  const v = get(obj, key);
  if (isObject(v)) return v;
  c.error(child(base, key), `must be an object, got ${describe(v)}`);
  return undefined;
}
