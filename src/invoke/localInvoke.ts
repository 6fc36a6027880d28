import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import * as l10n from '@vscode/l10n';
import type { InvokeResult } from '../aws/types';
import * as runtimes from '../layer/runtimes';
import { MAX_UNZIPPED_BYTES } from '../sandbox/limits';
import { extractZip } from '../sandbox/runtime/extractZip';
import { runtimeLanguage, type Language } from '../sandbox/runtime/language';
import { resolveNode } from '../sandbox/runtime/node';
import { resolvePython } from '../sandbox/runtime/python';
import { runPython } from '../sandbox/runtime/runPython';
import { UserError } from '../util/errors';
import { toInvokeView, type InvokeView } from './result';

/** A built layer: its zip, or the build's staging folder (the contents of the zip's `python/` or `nodejs/`). */
export type LocalLayer = { zip: string } | { stagingDir: string };

export interface LocalInvokeRequest {
  /** The workspace folder holding the handler; plays /var/task. */
  codeDir: string;
  /** `module.function` (Python) or `dir/file.export` (Node.js), as in the function's configuration. */
  handler: string;
  runtime: string;
  /** In the function's layer order: later layers overwrite earlier files, as on Lambda. */
  layers: LocalLayer[];
  event: Uint8Array;
  /** Default 30 (Lambda's default of 3 is short for a first import of big packages). */
  timeoutSeconds?: number;
  /** Default 128. */
  memoryMb?: number;
  /** Default: the code folder's name. */
  functionName?: string;
  env?: Record<string, string>;
  region?: string;
  signal?: AbortSignal;
}

export interface LocalInvokeResult {
  result: InvokeResult;
  view: InvokeView;
  /** Set when the local Python or Node.js is not the runtime's version: native packages may behave differently. */
  versionWarning?: string;
}

const DEFAULT_TIMEOUT_SECONDS = 30;
const DEFAULT_MEMORY_MB = 128;

/**
 * Runs a workspace handler on this machine with built layers as /opt, through the same runtime code
 * (`runPython`, `extractZip`) the local endpoint uses, so a local run and a sandbox invoke agree.
 */
export async function invokeLocally(req: LocalInvokeRequest): Promise<LocalInvokeResult> {
  const language = runtimeLanguage(req.runtime);
  if (!language) {
    throw new UserError(l10n.t('Only Python and Node.js functions can run locally; this one uses {0}.', req.runtime));
  }
  const codeDir = resolve(req.codeDir);
  const stat = await fs.stat(codeDir).catch(() => undefined);
  if (!stat?.isDirectory()) throw new UserError(l10n.t('The handler folder does not exist: {0}.', codeDir));

  const temp = await fs.mkdtemp(join(tmpdir(), 'lambda-layers-local-'));
  try {
    const optDir = join(temp, 'opt');
    await buildOpt(optDir, LAYER_FOLDERS[language], req.layers, req.signal);
    const run = await runPython({
      codeDir,
      optDir,
      handler: req.handler,
      runtime: req.runtime,
      event: req.event,
      timeoutSeconds: req.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS,
      memoryMb: req.memoryMb ?? DEFAULT_MEMORY_MB,
      functionName: req.functionName ?? (basename(codeDir).replace(/[^A-Za-z0-9_-]/g, '-') || 'local-function'),
      env: req.env,
      region: req.region,
      signal: req.signal,
    });
    const result: InvokeResult = {
      statusCode: 200,
      payload: run.payload,
      logTail: run.log,
      executedVersion: '$LATEST',
    };
    if (run.functionError) result.functionError = run.functionError;
    return {
      result,
      view: toInvokeView(result, { completeLog: true }),
      ...(run.runtimeMismatch && { versionWarning: await versionWarning(language, req.runtime) }),
    };
  } finally {
    await fs.rm(temp, { recursive: true, force: true });
  }
}

/** The top folder of a layer zip that the runtime reads (`/opt/python`, `/opt/nodejs`): where a staging folder goes. */
const LAYER_FOLDERS: Record<Language, string> = { python: 'python', node: 'nodejs' };

/**
 * Lays the layers out as /opt. One staging folder is linked, not copied (a build's staging folder can
 * hold hundreds of MB); zips are extracted and several layers merged in order into a fresh folder.
 */
async function buildOpt(optDir: string, folder: string, layers: LocalLayer[], signal?: AbortSignal): Promise<void> {
  await fs.mkdir(optDir, { recursive: true });
  if (layers.length === 1 && 'stagingDir' in layers[0]) {
    await fs.symlink(resolve(await existingDir(layers[0].stagingDir)), join(optDir, folder), 'dir');
    return;
  }
  let budget = MAX_UNZIPPED_BYTES;
  for (const layer of layers) {
    if ('zip' in layer) {
      const { bytes } = await extractZip(layer.zip, optDir, { maxUnzippedBytes: budget, signal }).catch(
        (e: unknown) => {
          throw (e as NodeJS.ErrnoException).code === 'ENOENT'
            ? new UserError(l10n.t('The layer zip does not exist: {0}. Build the layer first.', layer.zip))
            : e;
        },
      );
      budget -= bytes;
    } else {
      await fs.cp(await existingDir(layer.stagingDir), join(optDir, folder), {
        recursive: true,
        force: true,
        verbatimSymlinks: true,
      });
    }
  }
}

async function existingDir(dir: string): Promise<string> {
  const st = await fs.stat(dir).catch(() => undefined);
  if (!st?.isDirectory())
    throw new UserError(l10n.t('The layer folder does not exist: {0}. Build the layer first.', dir));
  return dir;
}

async function versionWarning(language: Language, runtime: string): Promise<string> {
  if (language === 'node') {
    const local = await resolveNode(runtime);
    return l10n.t(
      'Ran with local Node.js {0}, but the function runtime is {1}: packages with compiled code, and version-specific behaviour, may differ on Lambda.',
      local.version,
      runtime,
    );
  }
  const local = await resolvePython(runtime);
  return l10n.t(
    'Ran with local Python {0}, but the function runtime is {1}: packages with compiled code, and version-specific behaviour, may differ on Lambda.',
    local.version,
    runtime,
  );
}

/** The layer's runtime when it is one of the code's language (a Python layer says nothing about a Node.js handler). */
export function localRuntimeFor(language: runtimes.Language, layerRuntime: string | undefined): string | undefined {
  return layerRuntime && runtimes.isRuntime(layerRuntime) && runtimes.runtimeLanguage(layerRuntime) === language
    ? layerRuntime
    : undefined;
}
