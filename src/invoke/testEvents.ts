import { promises as fs } from 'node:fs';
import { join, basename } from 'node:path';
import * as l10n from '@vscode/l10n';
import { UserError } from '../util/errors';
import { checkJson } from './jsonCheck';

/**
 * Saved test events live in the workspace as plain JSON files, one folder per function:
 * `.lambda-layers/events/<function>/<event>.json`. They are ordinary files so users can edit,
 * diff and commit them; the editor shell opens them, this module lists, creates and validates them.
 */
const EVENTS_FOLDER = join('.lambda-layers', 'events');
const DEFAULT_EVENT = '{}\n';

export interface TestEventRef {
  functionName: string;
  name: string;
  path: string;
}

const EVENT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** Folder of one function's events. ARNs and `name:qualifier` share the plain function name's folder. */
export function functionEventsDir(workspaceRoot: string, functionName: string): string {
  return join(workspaceRoot, EVENTS_FOLDER, eventFolderName(functionName));
}

export function eventFolderName(functionName: string): string {
  const arn = /^arn:[^:]+:lambda:[^:]*:[^:]*:function:([^:]+)/.exec(functionName);
  const bare = arn ? arn[1] : functionName.split(':')[0];
  return bare.replace(/[^A-Za-z0-9_-]/g, '_') || '_';
}

/** Returns an error message for an unusable event name, undefined when it is fine. */
export function validateEventName(name: string): string | undefined {
  if (EVENT_NAME.test(stripJson(name))) return undefined;
  return l10n.t('Use 1-100 letters, digits, ".", "-" or "_", starting with a letter or digit.');
}

export async function listTestEvents(workspaceRoot: string, functionName: string): Promise<TestEventRef[]> {
  const dir = functionEventsDir(workspaceRoot, functionName);
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  return names
    .filter((n) => n.endsWith('.json') && EVENT_NAME.test(stripJson(n)))
    .sort((a, b) => a.localeCompare(b))
    .map((n) => ({ functionName, name: stripJson(n), path: join(dir, n) }));
}

/** Creates a new event file (never overwrites one) and returns it, so the shell can open it. */
export async function createTestEvent(
  workspaceRoot: string,
  functionName: string,
  eventName: string,
  content: string = DEFAULT_EVENT,
): Promise<TestEventRef> {
  const problem = validateEventName(eventName);
  if (problem) throw new UserError(l10n.t('"{0}" is not a valid test event name. {1}', eventName, problem));
  const name = stripJson(eventName);
  const dir = functionEventsDir(workspaceRoot, functionName);
  const path = join(dir, `${name}.json`);
  await fs.mkdir(dir, { recursive: true });
  try {
    await fs.writeFile(path, content, { flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new UserError(
        l10n.t('A test event named "{0}" already exists for {1}. Choose another name.', name, functionName),
      );
    }
    throw e;
  }
  return { functionName, name, path };
}

/**
 * Reads an event file and returns the bytes to send, checked to be JSON first: Lambda would
 * only answer a bare "InvalidRequestContentException", we can say where the mistake is.
 */
export async function readEventPayload(path: string): Promise<Uint8Array> {
  const text = await fs.readFile(path, 'utf8');
  return payloadFromText(text, basename(path));
}

/** Validates JSON typed or saved by the user; `source` names it in the error (file name, "--payload"). */
export function payloadFromText(text: string, source: string): Uint8Array {
  const check = checkJson(text);
  if (!check.ok) {
    throw new UserError(
      l10n.t('{0} is not valid JSON (line {1}, column {2}): {3}', source, check.line, check.column, check.message),
    );
  }
  return new TextEncoder().encode(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
}

function stripJson(name: string): string {
  return name.endsWith('.json') ? name.slice(0, -'.json'.length) : name;
}
