import { ConfigProblem } from './config-error';

type Env = Record<string, string | undefined>;

/** Reads typed values out of an environment map, collecting every problem instead of stopping at the first. */
export class EnvReader {
  readonly problems: ConfigProblem[] = [];

  constructor(private readonly env: Env) {}

  private raw(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  optionalString(name: string): string | undefined {
    return this.raw(name);
  }

  url(name: string, protocols: string[], form: string): string | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    try {
      const url = new URL(value);
      if (protocols.includes(url.protocol.replace(/:$/, '')) && url.hostname !== '') return value;
    } catch {
      // reported below
    }
    this.problems.push({ variable: name, expected: form, received: value.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:***@') });
    return undefined;
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (/^\d+$/.test(value)) {
      const parsed = Number(value);
      if (parsed >= min && parsed <= max) return parsed;
    }
    this.problems.push({ variable: name, expected: `an integer from ${min} to ${max}`, received: value });
    return fallback;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    this.problems.push({ variable: name, expected: `one of ${allowed.join(', ')}`, received: value });
    return fallback;
  }

  boolean(name: string, fallback: boolean): boolean {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (['true', '1', 'yes'].includes(value.toLowerCase())) return true;
    if (['false', '0', 'no'].includes(value.toLowerCase())) return false;
    this.problems.push({ variable: name, expected: 'true or false', received: value });
    return fallback;
  }

  matching(name: string, pattern: RegExp, form: string): string | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    if (pattern.test(value)) return value;
    this.problems.push({ variable: name, expected: form, received: value.length > 12 ? `${value.slice(0, 12)}...` : value });
    return undefined;
  }

  require<T>(name: string, value: T | undefined, form: string): T {
    if (value === undefined && !this.problems.some((p) => p.variable === name)) {
      this.problems.push({ variable: name, expected: form });
    }
    return value as T;
  }
}
