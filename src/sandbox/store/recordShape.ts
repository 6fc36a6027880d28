// Checks that a parsed record file has the shape the store relies on, so a damaged or hand-edited
// record is set aside at start instead of failing a request later. Unknown members are allowed:
// a newer version of the endpoint may add some.

type Check = (v: unknown) => boolean;
/** Member name → [check, what it must be, optional]. */
type Spec = Record<string, [Check, string, 'optional'?]>;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const text: Check = (v) => typeof v === 'string';
const count: Check = (v) => Number.isSafeInteger(v) && (v as number) >= 0;
const positive: Check = (v) => Number.isSafeInteger(v) && (v as number) >= 1;
const texts: Check = (v) => Array.isArray(v) && v.every(text);
const textMap: Check = (v) => isObject(v) && Object.values(v).every(text);
const matching =
  (re: RegExp): Check =>
  (v) =>
    typeof v === 'string' && re.test(v);
const oneOf =
  (...values: string[]): Check =>
  (v) =>
    values.includes(v as string);

/** The blob's file name: it becomes a path, so nothing but 64 hex digits. */
const digest = matching(/^[0-9a-f]{64}$/);
export const FUNCTION_FILE_NAME = /^([a-zA-Z0-9_-]{1,64})\.json$/;
export const LAYER_FOLDER_NAME = /^[a-zA-Z0-9_-]{1,140}$/;
export const VERSION_FILE_NAME = /^([1-9]\d{0,8})\.json$/;

const LAYER_VERSION: Spec = {
  name: [matching(LAYER_FOLDER_NAME), 'a layer name'],
  version: [positive, 'a version number (1 or more)'],
  description: [text, 'a string'],
  createdDate: [text, 'a string'],
  compatibleRuntimes: [texts, 'a list of strings', 'optional'],
  compatibleArchitectures: [texts, 'a list of strings', 'optional'],
  licenseInfo: [text, 'a string', 'optional'],
  codeSha256: [text, 'a string'],
  codeSize: [count, 'a byte count'],
  blob: [digest, 'a SHA-256 hex digest'],
  unzippedSize: [count, 'a byte count'],
};

const FUNCTION_LAYER: Spec = {
  arn: [text, 'a string'],
  codeSize: [count, 'a byte count'],
  codeSha256: [text, 'a string'],
  blob: [digest, 'a SHA-256 hex digest'],
  unzippedSize: [count, 'a byte count'],
};

const layerRefs: Check = (v) => Array.isArray(v) && v.every((l) => problemOf(l, FUNCTION_LAYER) === undefined);
const weights: Check = (v) => isObject(v) && Object.values(v).every((w) => typeof w === 'number' && w >= 0 && w <= 1);

/** What a function and its published versions share (the snapshot a version pins). */
const SNAPSHOT: Spec = {
  name: [matching(/^[a-zA-Z0-9_-]{1,64}$/), 'a function name'],
  runtime: [text, 'a string', 'optional'],
  role: [text, 'a string'],
  handler: [text, 'a string', 'optional'],
  description: [text, 'a string'],
  timeout: [positive, 'a number of seconds'],
  memorySize: [positive, 'a number of MB'],
  lastModified: [text, 'a string'],
  codeSha256: [text, 'a string'],
  codeSize: [count, 'a byte count'],
  codeBlob: [digest, 'a SHA-256 hex digest'],
  codeUnzippedSize: [count, 'a byte count'],
  environment: [textMap, 'an object of strings', 'optional'],
  layers: [layerRefs, 'a list of layer references'],
  architectures: [texts, 'a list of strings'],
  ephemeralStorageMb: [positive, 'a number of MB'],
  tracingMode: [text, 'a string'],
  revisionId: [text, 'a string'],
};

const VERSION: Spec = {
  ...SNAPSHOT,
  version: [positive, 'a version number (1 or more)'],
  sourceDigest: [text, 'a string'],
};

const ALIAS: Spec = {
  name: [matching(/^[a-zA-Z0-9_-]{1,128}$/), 'an alias name'],
  functionVersion: [matching(/^(\$LATEST|[1-9]\d*)$/), "a version number or '$LATEST'"],
  description: [text, 'a string'],
  weights: [weights, 'an object of weights between 0 and 1', 'optional'],
  revisionId: [text, 'a string'],
};

const listOf =
  (spec: Spec): Check =>
  (v) =>
    Array.isArray(v) && v.every((x) => problemOf(x, spec) === undefined);

const FUNCTION: Spec = {
  ...SNAPSHOT,
  tags: [textMap, 'an object of strings', 'optional'],
  reservedConcurrency: [count, 'a number of invocations', 'optional'],
  state: [oneOf('Pending', 'Active'), "'Pending' or 'Active'"],
  lastUpdateStatus: [oneOf('InProgress', 'Successful'), "'InProgress' or 'Successful'", 'optional'],
  versions: [listOf(VERSION), 'a list of published versions', 'optional'],
  lastVersion: [count, 'a version number', 'optional'],
  aliases: [listOf(ALIAS), 'a list of aliases', 'optional'],
};

const COUNTER: Spec = { last: [count, 'a version number'] };

function problemOf(value: unknown, spec: Spec): string | undefined {
  if (!isObject(value))
    return `it holds ${value === null ? 'null' : Array.isArray(value) ? 'a list' : `a ${typeof value}`}, not a JSON object`;
  for (const [key, [check, expected, optional]] of Object.entries(spec)) {
    const v = value[key];
    if (v === undefined && optional) continue;
    if (!check(v)) return v === undefined ? `'${key}' is missing` : `'${key}' is not ${expected}`;
  }
  return undefined;
}

/** Why `value` is not a layer version record named `name`, version `version`; undefined when it is one. */
export function layerVersionProblem(value: unknown, name: string, version: number): string | undefined {
  const problem = problemOf(value, LAYER_VERSION);
  if (problem) return problem;
  const r = value as { name: string; version: number };
  if (r.name !== name) return `its name '${r.name}' does not match its folder '${name}'`;
  if (r.version !== version) return `its version ${r.version} does not match its file name ${version}.json`;
  return undefined;
}

/** Why `value` is not the record of function `name`; undefined when it is one. */
export function functionProblem(value: unknown, name: string): string | undefined {
  const problem = problemOf(value, FUNCTION);
  if (problem) return problem;
  const r = value as { name: string };
  return r.name === name ? undefined : `its name '${r.name}' does not match its file name ${name}.json`;
}

export const counterProblem = (value: unknown) => problemOf(value, COUNTER);
