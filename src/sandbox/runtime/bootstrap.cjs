'use strict';
/*
 * The Node.js side of a local execution environment, imitating the AWS Lambda Node.js runtime interface client
 * (aws-lambda-nodejs-runtime-interface-client, UserFunction.js, Runtime.js, CallbackContext.js, Errors.js,
 * LogPatch.js): handler resolution and its Runtime.* errors, async and callback handlers, the context object,
 * console lines and error payloads. The endpoint writes this file as bootstrap.cjs and runs it with this
 * machine's `node`. Same protocol as bootstrap.py, over the three standard pipes only:
 * - stdin: records of a JSON header line with `len`, then `len` raw bytes: {"type":"init",...}, then one
 *   {"type":"invoke","seq",...} per invocation followed by its event.
 * - stdout: the control channel, same framing: {"type":"start",...}, then one {"type":"result"|"error","seq",...}.
 * - stderr: the function's log, cut into phases by the markers the endpoint sends.
 * Which descriptors carry them: see takeStdio.
 * Loaded with require() by a test, it runs nothing and exports the handler-loading parts instead.
 */
const fs = require('node:fs');
const path = require('node:path');
const util = require('node:util');
const { pathToFileURL } = require('node:url');

const MAX_HEADER_BYTES = 65536;
/** Node 24's runtime client (v4) refuses callback handlers and drops context.succeed/fail/done. */
const CALLBACK_FREE_MAJOR = 24;
const CALLBACK_ERROR_NODEJS24 =
  'ERROR: AWS Lambda has removed support for callback-based function handlers starting with Node.js 24. You need to modify this function to use a supported handler signature to use Node.js 24 or later. For more information see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html.';
const NODEJS_EXIT_MESSAGE =
  'The Lambda runtime client detected an unexpected Node.js exit code. This is most commonly caused by a Promise that was never settled. For more information, see https://nodejs.org/docs/latest/api/process.html#exit-codes';
// Captured before any handler code runs: a handler that patches fs must not redirect the runtime's own writes.
const writeSync = fs.writeSync;
const readSync = fs.readSync;
const SLEEP = new Int32Array(new SharedArrayBuffer(4));

/** A Runtime.* error, named as the runtime interface client names them. */
function runtimeError(name, message) {
  const e = new Error(message);
  // Not enumerable, as a class's prototype name: the log's JSON shows it only as errorType.
  Object.defineProperty(e, 'name', { value: `Runtime.${name}`, writable: true, configurable: true });
  e.stack = e.stack.replace(/^Error/, e.name);
  return e;
}

// ---- Handler loading (UserFunction.js) ----

/** `dir/sub/module.export.nested` → its folder, module name (up to the first dot) and property path. */
function parseHandler(full) {
  if (full.includes('..'))
    throw runtimeError(
      'MalformedHandlerName',
      `'${full}' is not a valid handler name. Use absolute paths when specifying root directories in handler names.`,
    );
  const base = path.basename(full);
  const moduleRoot = full.substring(0, full.indexOf(base));
  const match = /^([^.]*)\.(.*)$/.exec(base);
  if (!match) throw runtimeError('MalformedHandlerName', 'Bad handler');
  return { moduleRoot, moduleName: match[1], handlerPath: match[2] };
}

/** Whether the nearest package.json (stopping at a node_modules folder or the root) says "type": "module". */
function hasTypeModule(folder) {
  if (folder.endsWith(`${path.sep}node_modules`) || folder.endsWith('/node_modules')) return false;
  const pj = path.join(folder, 'package.json');
  if (fs.existsSync(pj)) {
    try {
      const pkg = JSON.parse(fs.readFileSync(pj, 'utf8'));
      if (pkg) return pkg.type === 'module';
    } catch (e) {
      console.warn(`${pj} cannot be read, it will be ignored for ES module detection purposes.`, e);
      return false;
    }
  }
  const parent = path.dirname(folder);
  return parent === folder ? false : hasTypeModule(parent);
}

/**
 * The files tried for a module, in the runtime interface client's order: extensionless and `.js` by require
 * (unless type:module), `.js` by import (type:module), `.mjs` by import, `.cjs` by require. Pure, for tests.
 */
function lookupOrder(file, typeModule) {
  return [
    { file, how: 'require' },
    ...(typeModule ? [{ file: `${file}.js`, how: 'import' }] : [{ file: `${file}.js`, how: 'require' }]),
    { file: `${file}.mjs`, how: 'import' },
    { file: `${file}.cjs`, how: 'require' },
  ];
}

async function loadModule(appRoot, moduleRoot, moduleName) {
  const file = path.resolve(appRoot, moduleRoot, moduleName);
  try {
    for (const { file: candidate, how } of lookupOrder(file, hasTypeModule(path.dirname(file)))) {
      if (!fs.existsSync(candidate)) continue;
      const loaded = how === 'require' ? require(candidate) : await import(pathToFileURL(candidate).href);
      if (loaded) return loaded;
    }
    // As the runtime does last: Node's own resolution from the task root (a folder with index.js, say).
    return require(require.resolve(moduleName, { paths: [appRoot, path.resolve(appRoot, moduleRoot)] }));
  } catch (e) {
    if (e instanceof SyntaxError) {
      const wrapped = runtimeError('UserCodeSyntaxError', String(e));
      wrapped.stack = e.stack;
      throw wrapped;
    }
    if (e && e.code === 'MODULE_NOT_FOUND') throw runtimeError('ImportModuleError', String(e));
    throw e;
  }
}

/** The handler function, or the Runtime.* error Lambda reports at init. */
async function loadHandler(appRoot, full, nodeMajor) {
  const { moduleRoot, moduleName, handlerPath } = parseHandler(full);
  const app = await loadModule(appRoot, moduleRoot, moduleName);
  const fn = handlerPath.split('.').reduce((o, key) => o && o[key], app);
  if (!fn) throw runtimeError('HandlerNotFound', `${full} is undefined or not exported`);
  if (typeof fn !== 'function') throw runtimeError('HandlerNotFound', `${full} is not a function`);
  if (nodeMajor >= CALLBACK_FREE_MAJOR && fn.length >= 3)
    throw runtimeError('CallbackHandlerDeprecated', CALLBACK_ERROR_NODEJS24);
  return fn;
}

// ---- Errors and logging (Errors.js, LogPatch.js) ----

/** The invocation's error payload: errorType, errorMessage, trace. */
function toRapidResponse(error) {
  try {
    if (util.types.isNativeError(error) || (error && typeof error.stack === 'string' && error.name)) {
      return { errorType: error.name, errorMessage: error.message, trace: error.stack.split('\n') };
    }
    return { errorType: typeof error, errorMessage: String(error), trace: [] };
  } catch {
    return {
      errorType: 'handled',
      errorMessage:
        'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack',
    };
  }
}

/** The log's form of an error: a tab, then JSON with errorType, errorMessage, code, its own fields and stack. */
function toFormatted(error) {
  const replacer = (_k, v) => {
    if (!(v instanceof Error)) return v;
    const out = Object.assign({ errorType: v.name, errorMessage: v.message, code: v.code }, v);
    if (typeof v.stack === 'string') out.stack = v.stack.split('\n');
    return out;
  };
  try {
    return `\t${JSON.stringify(error, replacer)}`;
  } catch {
    return `\t${JSON.stringify(toRapidResponse(error))}`;
  }
}

const intoError = (e) => (e instanceof Error ? e : new Error(e));

let logFd = 2;
let currentRequestId;

function writeAll(fd, data) {
  const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let offset = 0;
  while (offset < buf.length) {
    try {
      offset += writeSync(fd, buf, offset, buf.length - offset);
    } catch (e) {
      if (e.code !== 'EAGAIN') throw e;
      Atomics.wait(SLEEP, 0, 0, 1);
    }
  }
}

/** `2024-01-01T00:00:00.000Z\t<request id>\tINFO\t<message>`, as the runtime's text log format. */
function logLine(level, args) {
  writeAll(logFd, `${new Date().toISOString()}\t${currentRequestId}\t${level}\t${util.format(...args)}\n`);
}

const logError = (what, error) => console.error(what, toFormatted(intoError(error)));

function patchConsole() {
  const levels = { trace: 'TRACE', debug: 'DEBUG', info: 'INFO', log: 'INFO', warn: 'WARN', error: 'ERROR' };
  for (const [method, level] of Object.entries(levels)) console[method] = (...args) => logLine(level, args);
  console.fatal = (...args) => logLine('FATAL', args);
  // Raw writes to process.stdout and process.stderr go to the log as they are, synchronously, in write order.
  for (const stream of [process.stdout, process.stderr]) {
    stream.write = (chunk, encoding, cb) => {
      const enc = typeof encoding === 'string' ? encoding : 'utf8';
      writeAll(logFd, typeof chunk === 'string' ? Buffer.from(chunk, enc) : Buffer.from(chunk));
      const done = typeof encoding === 'function' ? encoding : cb;
      if (typeof done === 'function') process.nextTick(done);
      return true;
    };
  }
}

// ---- The pipes ----

/**
 * The runtime's own descriptors. On Linux and macOS the endpoint starts this file through a shell that moves the
 * pipes away from 0-2 and passes their numbers (`--stdio=requests,channel,log`): the handler's stdin is empty and
 * its fd 1 is the log, so neither its writes nor a child process with inherited stdio reach the channel. On
 * Windows they stay on 0-2: process.stdout is redirected to the log, a raw write to fd 1 ends the environment.
 */
function takeStdio() {
  const m = /^--stdio=(\d+),(\d+),(\d+)$/.exec(process.argv[2] || '');
  return m ? { requests: Number(m[1]), channel: Number(m[2]), log: Number(m[3]) } : { requests: 0, channel: 1, log: 2 };
}

/** Reads the endpoint's records synchronously: between invocations nothing of the handler's runs, as when frozen. */
class RecordReader {
  constructor(fd) {
    this.fd = fd;
    this.buf = Buffer.alloc(0);
  }

  /** Appends what the pipe has; false at its end. */
  fill() {
    const chunk = Buffer.allocUnsafe(65536);
    let n;
    try {
      n = readSync(this.fd, chunk, 0, chunk.length, null);
    } catch (e) {
      if (e.code === 'EAGAIN') {
        Atomics.wait(SLEEP, 0, 0, 5);
        return true;
      }
      if (e.code === 'EOF') return false;
      throw e;
    }
    if (n === 0) return false;
    this.buf = Buffer.concat([this.buf, chunk.subarray(0, n)]);
    return true;
  }

  /** The next {header, body}, or undefined when the endpoint closed the pipe (the environment is retired). */
  next() {
    let nl;
    while ((nl = this.buf.indexOf(10)) < 0) {
      if (this.buf.length > MAX_HEADER_BYTES || !this.fill()) return undefined;
    }
    const header = JSON.parse(this.buf.subarray(0, nl).toString('utf8'));
    const len = header.len || 0;
    const body = Buffer.alloc(len);
    let have = this.buf.copy(body, 0, nl + 1, nl + 1 + len);
    this.buf = this.buf.subarray(nl + 1 + have);
    while (have < len) {
      const n = readSync(this.fd, body, have, len - have, null);
      if (n === 0) return undefined;
      have += n;
    }
    return { header, body };
  }
}

// ---- Invocations (Runtime.js, CallbackContext.js, InvokeContext.js) ----

/** Called when the event loop has nothing left to do (process 'beforeExit'): what the invocation does then. */
let onEmptyLoop;
/** Ends the running invocation with an outcome; replaced per invocation. */
let finishCurrent;

function marshal(result) {
  try {
    return { payload: Buffer.from(JSON.stringify(result === undefined ? null : result), 'utf8') };
  } catch {
    return { error: toRapidResponse(runtimeError('JSONStringifyError', 'Unable to stringify response body')) };
  }
}

function buildContext(header, callbacks, env) {
  const deadline = Date.now() + Number(header.timeoutMs);
  let clientContext;
  try {
    clientContext = header.clientContext ? JSON.parse(header.clientContext) : undefined;
  } catch {
    clientContext = undefined;
  }
  return Object.assign(callbacks, {
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
    functionName: env.AWS_LAMBDA_FUNCTION_NAME,
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
    clientContext,
    identity: undefined,
    invokedFunctionArn: header.functionArn,
    awsRequestId: header.requestId,
    getRemainingTimeInMillis: () => deadline - Date.now(),
  });
}

/** Runs one invocation: resolves with {payload} or {error} (and `exitCode` when the process must end after it). */
function invoke(handler, header, body, nodeMajor) {
  currentRequestId = header.requestId;
  return new Promise((resolve) => {
    let finished = false;
    const finish = (outcome) => {
      if (finished) return;
      finished = true;
      onEmptyLoop = undefined;
      finishCurrent = undefined;
      resolve(outcome);
    };
    finishCurrent = finish;
    const succeed = (result) => finish(marshal(result));
    const fail = (err) => {
      logError('Invoke Error', err);
      finish({ error: toRapidResponse(err) });
    };
    let waitForEmptyLoop = true;
    const callback = (err, result) => {
      if (err !== undefined && err !== null) fail(err);
      else if (!waitForEmptyLoop) succeed(result);
      else onEmptyLoop = () => setImmediate(() => succeed(result));
    };
    const isAsync = handler.constructor && handler.constructor.name === 'AsyncFunction';
    // A handler that neither returns a promise nor calls back answers null once its work is done; an async one
    // whose promise never settles fails.
    onEmptyLoop = isAsync ? () => fail(runtimeError('NodeJsExit', NODEJS_EXIT_MESSAGE)) : () => succeed(null);
    const callbacks =
      nodeMajor >= CALLBACK_FREE_MAJOR
        ? {}
        : {
            get callbackWaitsForEmptyEventLoop() {
              return waitForEmptyLoop;
            },
            set callbackWaitsForEmptyEventLoop(v) {
              waitForEmptyLoop = v;
            },
            succeed: (r) => succeed(r),
            fail: (e) => (e === undefined || e === null ? fail('handled') : fail(e)),
            done: (e, r) => (e !== undefined && e !== null ? fail(e) : succeed(r)),
          };
    try {
      const text = body.toString('utf8');
      const event = text.trim() ? JSON.parse(text) : {};
      const context = buildContext(header, callbacks, process.env);
      if (nodeMajor >= CALLBACK_FREE_MAJOR) {
        // RIC v4 awaits the handler: a plain return value is the response, and nothing waits for the event loop.
        onEmptyLoop = undefined;
        Promise.resolve()
          .then(() => handler(event, context))
          .then(succeed, fail);
        return;
      }
      const result = handler(event, context, callback);
      if (result && typeof result.then === 'function') result.then(succeed, fail);
    } catch (e) {
      fail(e);
    }
  });
}

function peakMemoryMb() {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

/**
 * Lets `import` work as on Lambda outside bubblewrap too: file:///opt/… and /var/task/… name the folders that
 * play them, and a bare specifier the ESM resolver cannot find is looked up in the NODE_PATH folders (AWS's
 * Node 18+ runtimes search them for ES modules; stock Node does not). Hooks run on their own thread.
 */
const RESOLVE_HOOKS = `
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
let mounts = [];
let nodePath = [];
export function initialize(data) { mounts = data.mounts; nodePath = data.nodePath; }
function remap(specifier, parentURL) {
  if (!(specifier.startsWith('/') || specifier.startsWith('file:'))) return undefined;
  let url;
  try { url = new URL(specifier, parentURL ?? 'file:///'); } catch { return undefined; }
  if (url.protocol !== 'file:') return undefined;
  const pathname = decodeURIComponent(url.pathname);
  for (const [visible, real] of mounts) {
    if (pathname === visible || pathname.startsWith(visible + '/')) return pathToFileURL(join(real, pathname.slice(visible.length))).href + url.search;
  }
  return undefined;
}
function packageName(specifier) {
  if (/^[./]|^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(specifier)) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}
export async function resolve(specifier, context, next) {
  const mapped = remap(specifier, context.parentURL);
  if (mapped) return next(mapped, context);
  try {
    return await next(specifier, context);
  } catch (e) {
    const name = e && e.code === 'ERR_MODULE_NOT_FOUND' ? packageName(specifier) : undefined;
    const dir = name && nodePath.find((d) => existsSync(join(d, name)));
    if (!dir) throw e;
    return next(specifier, { ...context, parentURL: pathToFileURL(join(dir, 'lambda-node-path.mjs')).href });
  }
}
`;

/** The same remapping for require() of absolute /opt and /var/task paths (CommonJS has no resolve hooks in Node 20). */
function remapRequire(mounts) {
  const Module = require('node:module');
  const original = Module._resolveFilename;
  Module._resolveFilename = function (request, ...rest) {
    if (typeof request === 'string') {
      for (const [visible, real] of mounts) {
        if (request === visible || request.startsWith(`${visible}/`)) {
          request = path.join(real, request.slice(visible.length));
          break;
        }
      }
    }
    return original.call(this, request, ...rest);
  };
}

function installHooks(init) {
  const mounts = init.mounts.filter(([visible, real]) => visible !== real);
  const nodePath = (process.env.NODE_PATH || '').split(path.delimiter).filter(Boolean);
  const { register } = require('node:module');
  if (register) register(`data:text/javascript,${encodeURIComponent(RESOLVE_HOOKS)}`, { data: { mounts, nodePath } });
  if (mounts.length > 0) remapRequire(mounts);
}

async function main() {
  const io = takeStdio();
  logFd = io.log;
  const reader = new RecordReader(io.requests);
  const send = (header, payload = Buffer.alloc(0)) =>
    writeAll(
      io.channel,
      Buffer.concat([Buffer.from(`${JSON.stringify({ ...header, len: payload.length })}\n`), payload]),
    );
  const mark = (marker) => writeAll(io.log, Buffer.from(marker, 'ascii'));
  const first = reader.next();
  if (!first) process.exit(0);
  const init = first.header;
  patchConsole();
  process.on('beforeExit', () => {
    const f = onEmptyLoop;
    onEmptyLoop = undefined;
    if (f) f();
  });
  const fatal = (what, error, exitCode) => {
    logError(what, error);
    // During an invocation it is that invocation's error; the process then ends, as the runtime exits.
    if (finishCurrent) finishCurrent({ error: toRapidResponse(error), exitCode });
    else process.exit(exitCode);
  };
  process.on('uncaughtException', (e) => fatal('Uncaught Exception', e, 129));
  process.on('unhandledRejection', (reason) => {
    const e = runtimeError('UnhandledPromiseRejection', String(reason));
    e.reason = reason;
    fatal('Unhandled Promise Rejection', e, 128);
  });
  installHooks(init);

  const started = performance.now();
  let handler;
  let initError;
  try {
    handler = await loadHandler(process.env.LAMBDA_TASK_ROOT, process.env._HANDLER || '', init.nodeMajor);
  } catch (e) {
    logError('Uncaught Exception', e);
    initError = toRapidResponse(e);
  }
  mark(init.marker);
  send({ type: 'start', initMs: performance.now() - started, initFailed: initError ? 1 : 0 });

  for (;;) {
    const record = reader.next();
    if (!record) process.exit(0);
    const { header, body } = record;
    const begun = performance.now();
    const outcome = initError ? { error: initError } : await invoke(handler, header, body, init.nodeMajor);
    const fields = { seq: header.seq, durationMs: performance.now() - begun, maxMemoryMb: peakMemoryMb() };
    mark(header.marker);
    if (outcome.error) send({ type: 'error', ...fields }, Buffer.from(JSON.stringify(outcome.error), 'utf8'));
    else send({ type: 'result', ...fields }, outcome.payload);
    if (outcome.exitCode !== undefined) process.exit(outcome.exitCode);
  }
}

if (require.main === module) {
  main().catch((e) => {
    writeAll(2, `bootstrap failed: ${e && e.stack}\n`);
    process.exit(1);
  });
} else {
  module.exports = { parseHandler, lookupOrder, hasTypeModule, loadHandler, toRapidResponse, toFormatted };
}
