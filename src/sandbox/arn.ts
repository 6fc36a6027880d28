import { ACCOUNT_ID } from './limits';
import { Problems } from './validate';
import { invalidParameter, notFound, validationError } from './wire';

export const functionArn = (region: string, name: string) => `arn:aws:lambda:${region}:${ACCOUNT_ID}:function:${name}`;
export const functionNotFound = (region: string, name: string) =>
  notFound(`Function not found: ${functionArn(region, name)}`);
export const layerArn = (region: string, name: string, account: string) =>
  `arn:aws:lambda:${region}:${account}:layer:${name}`;
export const layerVersionArn = (region: string, name: string, version: number, account: string) =>
  `${layerArn(region, name, account)}:${version}`;

export const FUNCTION_NAME_PATTERN =
  '(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?';
const FUNCTION_NAME_RE = new RegExp(`^${FUNCTION_NAME_PATTERN}$`);
const QUALIFIER_PATTERN = '\\$(LATEST(\\.PUBLISHED)?)|[a-zA-Z0-9-_$]+';
export const LAYER_NAME_PATTERN =
  '(arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\\d{12}:layer:[a-zA-Z0-9-_]+)|[a-zA-Z0-9-_]+';
const LAYER_NAME_RE = new RegExp(`^(?:${LAYER_NAME_PATTERN})$`);
export const LAYER_VERSION_ARN_PATTERN = 'arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+';
const LAYER_VERSION_ARN_RE = /^arn:([a-zA-Z0-9-]+):lambda:([a-zA-Z0-9-]+):(\d{12}):layer:([a-zA-Z0-9-_]+):([0-9]+)$/;

export interface FunctionRef {
  name: string;
  /** Only `$LATEST` exists here; any other qualifier names a version or alias we never have. */
  qualifier?: string;
}

/**
 * Accepts every spelling Lambda accepts (name, name:qualifier, partial ARN, full ARN) and
 * returns the bare name, answering the way Lambda does for foreign regions and unknown qualifiers.
 */
export function parseFunctionName(raw: string, region: string, field = 'functionName'): FunctionRef {
  const m = FUNCTION_NAME_RE.exec(raw);
  if (!m || raw.length > 140) {
    throw validationError([
      `Value '${raw}' at '${field}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${FUNCTION_NAME_PATTERN}`,
    ]);
  }
  const arnRegion = m[3]?.slice(0, -1);
  if (arnRegion && arnRegion !== region) {
    throw notFound(`Functions from '${arnRegion}' are not reachable in this region ('${region}')`);
  }
  const name = m[10];
  const qualifier = m[12];
  return qualifier ? { name, qualifier } : { name };
}

/**
 * The qualifier a request names: in FunctionName (`name:q`, an ARN ending `:q`) or `?Qualifier=`. Both may be
 * given only when they agree.
 */
export function qualifierOf(ref: FunctionRef, queryQualifier: string | null): string | undefined {
  if (queryQualifier === null) return ref.qualifier;
  const p = new Problems();
  p.maxLength(queryQualifier, 'qualifier', 128);
  p.pattern(queryQualifier, 'qualifier', QUALIFIER_PATTERN);
  p.throwIfAny();
  if (ref.qualifier !== undefined && ref.qualifier !== queryQualifier) {
    throw invalidParameter('The derived qualifier from the function name does not match the specified qualifier.');
  }
  return queryQualifier;
}

/** A function reference that names something other than $LATEST cannot exist here. */
export function requireLatest(ref: FunctionRef, region: string): void {
  if (ref.qualifier && ref.qualifier !== '$LATEST') {
    throw notFound(`Function not found: ${functionArn(region, ref.name)}:${ref.qualifier}`);
  }
}

/** LayerName path parameter: a bare name or the layer's ARN. */
export function parseLayerName(raw: string): string {
  if (!LAYER_NAME_RE.test(raw) || raw.length > 140) {
    throw validationError([
      `Value '${raw}' at 'layerName' failed to satisfy constraint: Member must satisfy regular expression pattern: ${LAYER_NAME_PATTERN}`,
    ]);
  }
  return raw.startsWith('arn:') ? raw.slice(raw.lastIndexOf(':') + 1) : raw;
}

export interface LayerVersionRef {
  arn: string;
  region: string;
  account: string;
  name: string;
  version: number;
}

export function parseLayerVersionArn(arn: string): LayerVersionRef | undefined {
  const m = LAYER_VERSION_ARN_RE.exec(arn);
  if (!m || arn.length > 140) return undefined;
  return { arn, region: m[2], account: m[3], name: m[4], version: Number(m[5]) };
}
