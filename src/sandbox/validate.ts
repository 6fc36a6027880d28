import { MAX_UPLOAD_REQUEST_BYTES, MAX_ZIP_UPLOAD_BYTES } from './limits';
import { validationError, invalidParameter, tooLarge } from './wire';

/** The service model's Runtime enum (test/integration/sandbox/conformance.test.ts holds it to the model). */
export const RUNTIMES = [
  'nodejs',
  'nodejs4.3',
  'nodejs6.10',
  'nodejs8.10',
  'nodejs10.x',
  'nodejs12.x',
  'nodejs14.x',
  'nodejs16.x',
  'java8',
  'java8.al2',
  'java11',
  'python2.7',
  'python3.6',
  'python3.7',
  'python3.8',
  'python3.9',
  'dotnetcore1.0',
  'dotnetcore2.0',
  'dotnetcore2.1',
  'dotnetcore3.1',
  'dotnet6',
  'dotnet8',
  'nodejs4.3-edge',
  'go1.x',
  'ruby2.5',
  'ruby2.7',
  'provided',
  'provided.al2',
  'nodejs18.x',
  'python3.10',
  'java17',
  'ruby3.2',
  'ruby3.3',
  'ruby3.4',
  'python3.11',
  'nodejs20.x',
  'provided.al2023',
  'python3.12',
  'java21',
  'python3.13',
  'nodejs22.x',
  'nodejs24.x',
  'python3.14',
  'java25',
  'dotnet10',
  'ruby4.0',
];
export const ARCHITECTURES = ['x86_64', 'arm64'];

/** Collects constraint violations the way Coral reports them, all at once. */
export class Problems {
  private readonly list: string[] = [];

  enumValue(value: unknown, field: string, allowed: string[]): void {
    if (value !== undefined && !allowed.includes(value as string)) {
      this.list.push(
        `Value '${String(value)}' at '${field}' failed to satisfy constraint: Member must satisfy enum value set: [${allowed.join(', ')}]`,
      );
    }
  }

  enumList(values: unknown, field: string, allowed: string[], maxLength: number): void {
    if (values === undefined) return;
    const arr = Array.isArray(values) ? values : [values];
    if (arr.some((v) => !allowed.includes(v as string))) {
      this.list.push(
        `Value '[${arr.join(', ')}]' at '${field}' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [${allowed.join(', ')}]]`,
      );
    }
    if (arr.length > maxLength) {
      this.list.push(
        `Value '[${arr.join(', ')}]' at '${field}' failed to satisfy constraint: Member must have length less than or equal to ${maxLength}`,
      );
    }
  }

  maxLength(value: unknown, field: string, max: number): void {
    if (typeof value === 'string' && value.length > max) {
      this.list.push(
        `Value '${value}' at '${field}' failed to satisfy constraint: Member must have length less than or equal to ${max}`,
      );
    }
  }

  range(value: unknown, field: string, min?: number, max?: number): void {
    if (value === undefined) return;
    const n = Number(value);
    if (min !== undefined && n < min)
      this.list.push(
        `Value '${String(value)}' at '${field}' failed to satisfy constraint: Member must have value greater than or equal to ${min}`,
      );
    if (max !== undefined && n > max)
      this.list.push(
        `Value '${String(value)}' at '${field}' failed to satisfy constraint: Member must have value less than or equal to ${max}`,
      );
  }

  /** A value that is not a string (a number, list or object in the JSON) fails the pattern too. */
  pattern(value: unknown, field: string, pattern: string): void {
    if (value === undefined) return;
    if (typeof value !== 'string' || !new RegExp(`^(?:${pattern})$`).test(value)) {
      this.list.push(
        `Value '${String(value)}' at '${field}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${pattern}`,
      );
    }
  }

  /** A map's keys; the values of sensitive maps (environment variables) are not echoed, as AWS does not. */
  mapKeysPattern(map: Record<string, unknown> | undefined, field: string, pattern: string): void {
    const re = new RegExp(`^(?:${pattern})$`);
    if (map && Object.keys(map).some((k) => !re.test(k))) {
      this.list.push(
        `Value at '${field}' failed to satisfy constraint: Map keys must satisfy constraint: [Member must satisfy regular expression pattern: ${pattern}]`,
      );
    }
  }

  required(value: unknown, field: string): void {
    if (value === undefined || value === null)
      this.list.push(`Value null at '${field}' failed to satisfy constraint: Member must not be null`);
  }

  throwIfAny(): void {
    if (this.list.length > 0) throw validationError(this.list);
  }
}

/** Parses a MaxItems query value: absent → undefined; out of the model's range → ValidationException. */
export function maxItemsParam(raw: string | null, max: number): number | undefined {
  if (raw === null) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n)) throw invalidParameter(`Invalid value for MaxItems: ${raw}`);
  const p = new Problems();
  p.range(n, 'maxItems', 1, max);
  p.throwIfAny();
  return n;
}

/** Lambda's answer to a Runtime outside the enum: InvalidParameterValueException listing the runtimes. */
export function checkRuntime(runtime: string | undefined): void {
  if (runtime !== undefined && !RUNTIMES.includes(runtime)) {
    throw invalidParameter(
      `Value ${runtime} at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: [${RUNTIMES.join(', ')}] or be a valid ARN`,
    );
  }
}

/**
 * Decodes `ZipFile` (base64 in JSON); rejects what is not base64 (Node would silently skip foreign characters)
 * and a zip whose base64 is past the direct-upload limit (50 MiB of zip), with AWS's 413.
 */
export function decodeZipFile(value: unknown, operation: string): Buffer | undefined {
  if (value === undefined || value === null) return undefined;
  const bytes = typeof value === 'string' ? Buffer.from(value, 'base64') : undefined;
  const padding = typeof value === 'string' ? (value.endsWith('==') ? 2 : value.endsWith('=') ? 1 : 0) : 0;
  if (!bytes || typeof value !== 'string' || bytes.length !== Math.floor((value.length * 3) / 4) - padding) {
    throw invalidParameter('Could not unzip uploaded file. Please check your file, then try to upload again.');
  }
  if (bytes.length > MAX_ZIP_UPLOAD_BYTES) throw tooLarge(MAX_UPLOAD_REQUEST_BYTES, operation);
  return bytes;
}

/** A member's JSON type in the model: `strings` a list of strings, `stringMap` an object of strings. */
export type MemberType = 'string' | 'integer' | 'boolean' | 'object' | 'strings' | 'stringMap';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const HAS_TYPE: Record<MemberType, (v: unknown) => boolean> = {
  string: (v) => typeof v === 'string',
  integer: (v) => Number.isInteger(v),
  boolean: (v) => typeof v === 'boolean',
  object: isObject,
  strings: (v) => Array.isArray(v) && v.every((x) => typeof x === 'string'),
  stringMap: (v) => isObject(v) && Object.values(v).every((x) => typeof x === 'string'),
};

/**
 * Members (dotted paths, parents listed before their members) whose JSON type is not the model's are refused as
 * Lambda's front end refuses what it cannot deserialize, before any constraint: stored, such a value would make
 * the next start quarantine the record.
 */
export function checkMemberTypes(body: unknown, types: Record<string, MemberType>): void {
  for (const [path, type] of Object.entries(types)) {
    const value = path.split('.').reduce<unknown>((v, key) => (isObject(v) ? v[key] : undefined), body);
    if (value !== undefined && !HAS_TYPE[type](value)) {
      throw invalidParameter(`Could not parse request body into json: '${path}' must be of type ${type}`);
    }
  }
}
