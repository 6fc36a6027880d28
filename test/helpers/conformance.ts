// Checks an HTTP answer against an operation of a restJson1 service model (botocore's service-2.json): the
// output shape (required members, types, enums, patterns, lengths, ranges, no unknown members) or, for an error,
// the operation's listed errors, their status codes, the x-amzn-ErrorType header and the error shape's body.
// Pure: no I/O, so the unit tests feed it small models.

export interface ShapeRef {
  shape: string;
  location?: 'header' | 'headers' | 'statusCode' | 'querystring' | 'uri';
  locationName?: string;
}

export interface Shape {
  type:
    | 'structure'
    | 'list'
    | 'map'
    | 'string'
    | 'integer'
    | 'long'
    | 'double'
    | 'float'
    | 'boolean'
    | 'timestamp'
    | 'blob';
  members?: Record<string, ShapeRef>;
  required?: string[];
  member?: ShapeRef;
  key?: ShapeRef;
  value?: ShapeRef;
  enum?: string[];
  pattern?: string;
  min?: number;
  max?: number;
  payload?: string;
  timestampFormat?: string;
  error?: { httpStatusCode: number };
  exception?: boolean;
}

export interface Operation {
  name: string;
  http: { method: string; requestUri: string; responseCode?: number };
  output?: { shape: string };
  errors?: { shape: string }[];
}

export interface ServiceModel {
  operations: Record<string, Operation>;
  shapes: Record<string, Shape>;
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * Errors AWS answers that the model does not list (input validation before the operation, the front end, IAM),
 * with their status and the body's one field, as AWS sends them.
 */
export const UNMODELLED_ERRORS: Record<string, { status: number; messageKey: string }> = {
  ValidationException: { status: 400, messageKey: 'message' },
  RequestEntityTooLargeException: { status: 413, messageKey: 'message' },
  AccessDeniedException: { status: 403, messageKey: 'Message' },
};

/** What is wrong with `answer` as an answer of `operationName`; empty when it conforms. */
export function checkAnswer(model: ServiceModel, operationName: string, answer: Answer): string[] {
  const op = model.operations[operationName];
  if (!op) return [`${operationName} is not an operation of the model`];
  return answer.status >= 300 ? checkError(model, op, answer) : checkOutput(model, op, answer);
}

function header(answer: Answer, name: string): string | undefined {
  const v = answer.headers[name.toLowerCase()];
  return Array.isArray(v) ? v.join(',') : v;
}

function checkOutput(model: ServiceModel, op: Operation, answer: Answer): string[] {
  const problems: string[] = [];
  const output = op.output ? model.shapes[op.output.shape] : undefined;
  const members = output?.members ?? {};
  const hasStatusMember = Object.values(members).some((m) => m.location === 'statusCode');
  const expected = op.http.responseCode ?? 200;
  if (hasStatusMember ? answer.status < 200 || answer.status > 299 : answer.status !== expected) {
    problems.push(`status ${answer.status}, the model says ${hasStatusMember ? '2xx' : expected}`);
  }
  for (const [name, ref] of Object.entries(members)) {
    if (ref.location !== 'header') continue;
    const value = header(answer, ref.locationName ?? name);
    if (value !== undefined)
      checkValue(
        model,
        ref.shape,
        headerValue(model.shapes[ref.shape], value),
        `header ${ref.locationName ?? name}`,
        problems,
      );
  }
  if (output?.payload) {
    const ref = members[output.payload];
    const shape = model.shapes[ref.shape];
    if (shape.type === 'structure') checkBody(model, ref.shape, answer.body, problems);
    return problems; // a blob or string payload is the raw body (Invoke's function response)
  }
  const bodyMembers = Object.fromEntries(Object.entries(members).filter(([, ref]) => ref.location === undefined));
  if (Object.keys(bodyMembers).length === 0) {
    if (answer.body.length > 0) problems.push(`a body (${answer.body.length} bytes) where the model has none`);
    return problems;
  }
  checkBody(model, { ...output!, members: bodyMembers }, answer.body, problems, op.output!.shape);
  return problems;
}

function headerValue(shape: Shape, raw: string): unknown {
  return ['integer', 'long', 'double', 'float'].includes(shape.type)
    ? Number(raw)
    : shape.type === 'boolean'
      ? raw === 'true'
      : raw;
}

/** Parses a JSON body and checks it against a shape (by name, or given for the body members of an output). */
function checkBody(model: ServiceModel, shape: string | Shape, body: string, problems: string[], name?: string): void {
  let value: unknown;
  try {
    value = body.length === 0 ? {} : JSON.parse(body);
  } catch {
    problems.push(`body is not JSON: ${body.slice(0, 80)}`);
    return;
  }
  checkValue(model, shape, value, 'body', problems, name);
}

function checkError(model: ServiceModel, op: Operation, answer: Answer): string[] {
  const problems: string[] = [];
  const raw = header(answer, 'x-amzn-ErrorType');
  if (!raw) return [`status ${answer.status} without an x-amzn-ErrorType header`];
  const code = raw.split(':')[0];
  const listed = (op.errors ?? []).some((e) => e.shape === code);
  const unmodelled = UNMODELLED_ERRORS[code];
  if (listed) {
    const shape = model.shapes[code];
    const status = shape.error?.httpStatusCode ?? 400;
    if (answer.status !== status) problems.push(`${code} with status ${answer.status}, the model says ${status}`);
    checkBody(model, code, answer.body, problems);
    requireMessage(
      answer.body,
      Object.keys(shape.members ?? {}).find((m) => m.toLowerCase() === 'message'),
      code,
      problems,
    );
  } else if (unmodelled) {
    if (answer.status !== unmodelled.status)
      problems.push(`${code} with status ${answer.status}, AWS answers ${unmodelled.status}`);
    const extra = Object.keys(parseObject(answer.body)).filter((k) => k !== unmodelled.messageKey);
    if (extra.length > 0) problems.push(`${code} body has ${extra.join(', ')} besides ${unmodelled.messageKey}`);
    requireMessage(answer.body, unmodelled.messageKey, code, problems);
  } else {
    problems.push(
      `${code} is not an error ${op.name} answers (model: ${(op.errors ?? []).map((e) => e.shape).join(', ')})`,
    );
  }
  return problems;
}

function parseObject(body: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(body);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function requireMessage(body: string, key: string | undefined, code: string, problems: string[]): void {
  const message = key && parseObject(body)[key];
  if (typeof message !== 'string' || message.length === 0) problems.push(`${code} body has no ${key ?? 'message'}`);
}

const patterns = new Map<string, RegExp>();
function patternOf(source: string): RegExp {
  let re = patterns.get(source);
  if (!re) {
    re = new RegExp(`^(?:${source})$`, 'u');
    patterns.set(source, re);
  }
  return re;
}

/** Checks `value` against a shape, adding `path: what` lines to problems. */
export function checkValue(
  model: ServiceModel,
  shapeOrName: string | Shape,
  value: unknown,
  path: string,
  problems: string[],
  shapeName?: string,
): void {
  const shape = typeof shapeOrName === 'string' ? model.shapes[shapeOrName] : shapeOrName;
  const name = typeof shapeOrName === 'string' ? shapeOrName : (shapeName ?? 'the output');
  if (!shape) {
    problems.push(`${path}: shape ${name} is not in the model`);
    return;
  }
  const fail = (what: string) => problems.push(`${path}: ${what}`);
  switch (shape.type) {
    case 'structure': {
      if (!isObject(value)) return void fail(`expected a ${name} object, got ${describe(value)}`);
      for (const key of Object.keys(value)) {
        if (!shape.members?.[key]) fail(`${key} is not a member of ${name}`);
      }
      for (const key of shape.required ?? []) {
        if (value[key] === undefined || value[key] === null) fail(`required member ${key} of ${name} is missing`);
      }
      for (const [key, ref] of Object.entries(shape.members ?? {})) {
        if (value[key] !== undefined && value[key] !== null)
          checkValue(model, ref.shape, value[key], `${path}.${key}`, problems);
      }
      return;
    }
    case 'list':
      if (!Array.isArray(value)) return void fail(`expected a list (${name}), got ${describe(value)}`);
      checkCount(shape, value.length, name, fail);
      value.forEach((item, i) => checkValue(model, shape.member!.shape, item, `${path}[${i}]`, problems));
      return;
    case 'map':
      if (!isObject(value)) return void fail(`expected a map (${name}), got ${describe(value)}`);
      checkCount(shape, Object.keys(value).length, name, fail);
      for (const [k, v] of Object.entries(value)) {
        checkValue(model, shape.key!.shape, k, `${path} key ${JSON.stringify(k)}`, problems);
        checkValue(model, shape.value!.shape, v, `${path}.${k}`, problems);
      }
      return;
    case 'string':
      if (typeof value !== 'string') return void fail(`expected a string (${name}), got ${describe(value)}`);
      if (shape.enum && !shape.enum.includes(value)) fail(`${JSON.stringify(value)} is not one of ${name}'s values`);
      if (shape.pattern && !patternOf(shape.pattern).test(value))
        fail(`${JSON.stringify(value)} does not match ${name}'s pattern ${shape.pattern}`);
      if (shape.min !== undefined && [...value].length < shape.min)
        fail(`${JSON.stringify(value)} is shorter than ${name}'s minimum ${shape.min}`);
      if (shape.max !== undefined && [...value].length > shape.max)
        fail(`${JSON.stringify(value)} is longer than ${name}'s maximum ${shape.max}`);
      return;
    case 'integer':
    case 'long':
      if (typeof value !== 'number' || !Number.isInteger(value))
        return void fail(`expected an integer (${name}), got ${describe(value)}`);
      checkRange(shape, value, name, fail);
      return;
    case 'double':
    case 'float':
      if (typeof value !== 'number' || !Number.isFinite(value))
        return void fail(`expected a number (${name}), got ${describe(value)}`);
      checkRange(shape, value, name, fail);
      return;
    case 'boolean':
      if (typeof value !== 'boolean') fail(`expected a boolean (${name}), got ${describe(value)}`);
      return;
    case 'timestamp':
      // restJson1 bodies carry epoch seconds unless the shape says otherwise.
      if (
        (shape.timestampFormat ?? 'unixTimestamp') === 'unixTimestamp'
          ? typeof value !== 'number'
          : typeof value !== 'string' || Number.isNaN(Date.parse(value))
      ) {
        fail(`expected a ${shape.timestampFormat ?? 'unixTimestamp'} timestamp (${name}), got ${describe(value)}`);
      }
      return;
    case 'blob':
      if (typeof value !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(value))
        fail(`expected base64 (${name}), got ${describe(value)}`);
      return;
    default:
      fail(`shape ${name} has a type this checker does not know: ${String(shape.type)}`);
  }
}

function checkCount(shape: Shape, n: number, name: string, fail: (what: string) => void): void {
  if (shape.min !== undefined && n < shape.min) fail(`${n} entries, fewer than ${name}'s minimum ${shape.min}`);
  if (shape.max !== undefined && n > shape.max) fail(`${n} entries, more than ${name}'s maximum ${shape.max}`);
}

function checkRange(shape: Shape, n: number, name: string, fail: (what: string) => void): void {
  if (shape.min !== undefined && n < shape.min) fail(`${n} is below ${name}'s minimum ${shape.min}`);
  if (shape.max !== undefined && n > shape.max) fail(`${n} is above ${name}'s maximum ${shape.max}`);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
