import { createHash } from 'node:crypto';
import { createWriteStream, promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import * as l10n from '@vscode/l10n';
import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
import { classifyAwsError } from '../aws/errors';
import type { LambdaGateway } from '../aws/types';
import type { LayerManifest } from '../layer/manifest';
import { parseRequirementsText } from '../layer/requirements';
import { zipToBuffer } from '../layer/zip';
import { parseLayerArn } from '../aws/arn';
import { createWithRoleRetry } from '../deploy/createFunction';
import { UserError } from '../util/errors';
import { silentLog, type Log } from '../util/log';
import { normalizeName, type LayerPackage } from './distInfo';
import { PROBE_HANDLER, parseProbeResponse, type ProbeModuleResult, type ProbeRequest } from './probeHandler';
import { pickProbeRuntime, probeLanguageOf, type ProbeLanguage } from './probeLanguage';
import { toInvokeView } from './result';
import { isProbeFunction, probeFunctionName } from './probeName';

/** What a package is expected to be, from our build manifest or a requirements file. */
export interface ExpectedPackage {
  name: string;
  version?: string;
  /** Top-level modules; when absent for any package, they are read from the layer zip. */
  modules?: string[];
}

export interface ProbeTarget {
  layerVersionArn: string;
  /** From the build manifest (`probeTargetFromManifest`); absent for layers built elsewhere. */
  expected?: ExpectedPackage[];
  /** Local copy of the layer zip, read instead of downloading the published one. */
  zipPath?: string;
  /** requirements.txt text: `name==version` pins become the expected versions. */
  requirements?: string;
  /** Override what the layer (or manifest) declares. */
  runtime?: string;
  architecture?: string;
}

export interface ProbeOptions {
  gateway: LambdaGateway;
  /** Execution role of the probe function (see roles.ts); only used when the function is created. */
  role: string;
  signal?: AbortSignal;
  log?: Log;
  onProgress?: (message: string) => void;
}

export type ProbeStatus = 'ok' | 'importFailed' | 'notInstalled' | 'versionMismatch';

export interface ProbeRow {
  package: string;
  expectedVersion?: string;
  importedVersion?: string;
  status: ProbeStatus;
  /** The first failure, "module: ErrorType: message". */
  error?: string;
  modules: ProbeModuleResult[];
}

export interface ProbeReport {
  functionName: string;
  runtime: string;
  architecture: string;
  /** Python (or Node.js) and machine the probe actually ran on. */
  python?: string;
  node?: string;
  machine?: string;
  rows: ProbeRow[];
  /** The invoke's log tail, for the output channel. */
  log?: string;
}

const PROBE_TIMEOUT_SECONDS = 120;
const PROBE_MEMORY_MB = 1024;

/**
 * The probe target for a layer version published from our build: the manifest names the packages,
 * their versions and top-level modules (a Node.js package: its name), and the runtime and architecture the
 * build targeted.
 */
export function probeTargetFromManifest(
  manifest: Pick<LayerManifest, 'runtime' | 'architecture' | 'packages'>,
  layerVersionArn: string,
  zipPath?: string,
): ProbeTarget {
  return {
    layerVersionArn,
    runtime: manifest.runtime,
    architecture: manifest.architecture,
    zipPath,
    expected: expectedFromManifest(manifest),
  };
}

function expectedFromManifest(manifest: Pick<LayerManifest, 'runtime' | 'packages'>): ExpectedPackage[] {
  const language = probeLanguageOf(manifest.runtime);
  if (!language) return [];
  // Real packages only: the manifest also lists "(other files)" that no package claims.
  return manifest.packages
    .filter((p) => language.packageName.test(p.name))
    .map((p) => ({
      name: p.name,
      version: p.version || undefined,
      modules: p.topLevel.length > 0 ? p.topLevel : language.defaultModules(p.name),
    }));
}

/** `name==version` pins of a requirements file, by normalised name (other specifiers say nothing exact). */
export function pinnedVersions(requirementsText: string, file = 'requirements.txt'): Map<string, string> {
  const pins = new Map<string, string>();
  for (const r of parseRequirementsText(requirementsText, file).requirements) {
    const m = /^===?([^,]+)$/.exec(r.specifier.replace(/\s+/g, ''));
    if (m) pins.set(normalizeName(r.name), m[1]);
  }
  return pins;
}

/**
 * Checks that every package of a published layer imports on the real runtime: deploys (or reuses)
 * a probe function with the layer attached, invokes it with the list of top-level modules and
 * turns the answer into one row per package.
 */
export async function probeLayerImports(target: ProbeTarget, options: ProbeOptions): Promise<ProbeReport> {
  const { gateway, signal } = options;
  const log = options.log ?? silentLog;
  const progress = options.onProgress ?? (() => undefined);
  const ref = parseLayerArn(target.layerVersionArn);
  if (!ref || ref.version === undefined) {
    throw new UserError(l10n.t('"{0}" is not a layer version ARN.', target.layerVersionArn));
  }
  progress(l10n.t('Reading layer {0}:{1}…', ref.name, ref.version));
  // By ARN, so layers shared from other accounts (public layers) work too.
  const layer = await gateway.getLayerVersionByArn(target.layerVersionArn);
  const runtime = target.runtime ?? pickProbeRuntime(layer.CompatibleRuntimes ?? []);
  const language = probeLanguageOf(runtime);
  if (!runtime || !language) {
    throw new UserError(
      l10n.t('Layer {0} declares no Python or Node.js runtime. Choose the runtime to probe with.', ref.name),
    );
  }
  // Lambda's default architecture; a layer without declared architectures is usually built for it.
  const architecture = target.architecture ?? layer.CompatibleArchitectures?.[0] ?? 'x86_64';

  const packages = await resolvePackages(target, language, layer.Content?.Location, { signal, progress });
  const pins = target.requirements ? pinnedVersions(target.requirements) : new Map<string, string>();
  const expectedVersion = (p: LayerPackage) => pins.get(normalizeName(p.name)) ?? p.version;

  const functionName = probeFunctionName(runtime, architecture);
  progress(l10n.t('Preparing probe function {0}…', functionName));
  await deployProbe(
    gateway,
    { functionName, runtime, architecture, role: options.role, layerArn: target.layerVersionArn, language },
    signal,
    log,
  );

  progress(l10n.t('Importing {0} packages on {1} ({2})…', packages.length, runtime, architecture));
  const request: ProbeRequest = { packages: packages.map((p) => ({ name: p.name, modules: p.modules })) };
  const result = await gateway.invoke(functionName, new TextEncoder().encode(JSON.stringify(request)), {
    tail: true,
    signal,
  });
  const view = toInvokeView(result);
  if (view.functionError) {
    const fe = view.functionError;
    throw new UserError(
      l10n.t('The probe function failed: {0}', fe.type ? `${fe.type}: ${fe.message}` : fe.message),
      view.log,
    );
  }
  const response = parseProbeResponse(safeJson(view.payloadText));
  if (!response) throw new UserError(l10n.t('The probe function returned an unexpected answer.'), view.payloadText);

  const byName = new Map(response.packages.map((r) => [r.name, r]));
  const rows = packages.map((p): ProbeRow => {
    const r = byName.get(p.name);
    const failed = r?.modules.find((m) => !m.ok);
    const expected = expectedVersion(p);
    const row: ProbeRow = {
      package: p.name,
      expectedVersion: expected,
      importedVersion: r?.version,
      status: 'ok',
      modules: r?.modules ?? [],
    };
    if (failed) return { ...row, status: 'importFailed', error: `${failed.name}: ${failed.error ?? ''}`.trim() };
    if (!r?.version) return { ...row, status: 'notInstalled', error: r?.versionError };
    if (expected && normalizeVersion(expected) !== normalizeVersion(r.version))
      return { ...row, status: 'versionMismatch' };
    return row;
  });
  return {
    functionName,
    runtime,
    architecture,
    python: response.python,
    node: response.node,
    machine: response.machine,
    rows,
    log: view.log,
  };
}

/** Deletes a probe function; the shell offers this after showing the table. Gone already is fine. */
export async function deleteProbeFunction(gateway: LambdaGateway, functionName: string): Promise<void> {
  if (!isProbeFunction(functionName)) throw new Error(`Refusing to delete ${functionName}: not a probe function`);
  try {
    await gateway.deleteFunction(functionName);
  } catch (e) {
    if (classifyAwsError(e) !== 'notFound') throw e;
  }
}

/** The zip holding the probe handler; deterministic, so an up-to-date probe is recognised by CodeSha256. */
export function probeCodeZip(language: ProbeLanguage): Promise<Buffer> {
  const file = language.codeFile();
  return zipToBuffer([{ name: file.name, data: Buffer.from(file.source) }]);
}

async function resolvePackages(
  target: ProbeTarget,
  language: ProbeLanguage,
  location: string | undefined,
  ctx: { signal?: AbortSignal; progress: (m: string) => void },
): Promise<LayerPackage[]> {
  const expected = target.expected ?? [];
  if (expected.length > 0 && expected.every((p) => p.modules)) {
    return expected.map((p) => ({ name: p.name, version: p.version, modules: p.modules! }));
  }
  const fromZip = target.zipPath
    ? await language.readPackages(target.zipPath, ctx.signal)
    : await downloadAndRead(location, language, ctx);
  // Manifest versions are what the build installed; prefer them over whatever the zip says.
  const manifestVersions = new Map(expected.map((p) => [normalizeName(p.name), p.version]));
  return fromZip.map((p) => ({ ...p, version: manifestVersions.get(normalizeName(p.name)) ?? p.version }));
}

async function downloadAndRead(
  location: string | undefined,
  language: ProbeLanguage,
  ctx: { signal?: AbortSignal; progress: (m: string) => void },
): Promise<LayerPackage[]> {
  if (!location) throw new UserError(l10n.t('The layer version has no download location; cannot read its packages.'));
  ctx.progress(l10n.t('Downloading the layer to read its packages…'));
  const dir = await fs.mkdtemp(join(tmpdir(), 'lambda-layers-probe-'));
  try {
    const zipPath = join(dir, 'layer.zip');
    const response = await fetch(location, { signal: ctx.signal });
    if (!response.ok || !response.body) {
      throw new UserError(
        l10n.t('Downloading the layer failed (HTTP {0}). Try again, or build the layer here.', response.status),
      );
    }
    await pipeline(Readable.fromWeb(response.body as WebReadableStream), createWriteStream(zipPath), {
      signal: ctx.signal,
    });
    const packages = await language.readPackages(zipPath, ctx.signal);
    if (packages.length === 0) throw new UserError(language.noPackagesMessage());
    return packages;
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

interface ProbeDeployment {
  functionName: string;
  runtime: string;
  architecture: string;
  role: string;
  layerArn: string;
  language: ProbeLanguage;
}

/** Creates the probe function, or brings an existing one to the current code and this layer. */
async function deployProbe(
  gateway: LambdaGateway,
  d: ProbeDeployment,
  signal: AbortSignal | undefined,
  log: Log,
): Promise<void> {
  const zip = await probeCodeZip(d.language);
  const codeSha256 = createHash('sha256').update(zip).digest('base64');
  const existing = await getConfiguration(gateway, d.functionName);
  if (!existing) {
    log.info(`Creating probe function ${d.functionName}`);
    await createProbe(gateway, d, zip, signal);
    await waitUntilReady(gateway, d.functionName, signal);
    return;
  }
  // An update still running (someone else's, or an earlier probe's) would make ours fail with 409.
  if (existing.State === 'Pending' || existing.LastUpdateStatus === 'InProgress')
    await waitUntilReady(gateway, d.functionName, signal);
  if (existing.CodeSha256 !== codeSha256) {
    log.info(`Updating probe function code of ${d.functionName}`);
    await gateway.updateFunctionCode(d.functionName, zip);
    await waitUntilReady(gateway, d.functionName, signal);
  }
  const current = (existing.Layers ?? []).map((l) => l.Arn);
  if (current.length !== 1 || current[0] !== d.layerArn) {
    log.info(`Attaching ${d.layerArn} to ${d.functionName}`);
    await gateway.updateFunctionLayers(d.functionName, [d.layerArn]);
    await waitUntilReady(gateway, d.functionName, signal);
  }
}

function createProbe(
  gateway: LambdaGateway,
  d: ProbeDeployment,
  zip: Uint8Array,
  signal?: AbortSignal,
): Promise<unknown> {
  return createWithRoleRetry(
    gateway,
    {
      name: d.functionName,
      runtime: d.runtime,
      architecture: d.architecture,
      handler: PROBE_HANDLER,
      role: d.role,
      zip,
      layers: [d.layerArn],
      timeout: PROBE_TIMEOUT_SECONDS,
      memorySize: PROBE_MEMORY_MB,
      description: 'Lambda Layers import probe (safe to delete)',
    },
    signal,
  );
}

/** The gateway's waiter also waits for Active after a create and throws, with the reason, when the update failed. */
async function waitUntilReady(gateway: LambdaGateway, functionName: string, signal?: AbortSignal): Promise<void> {
  await gateway.waitForFunctionUpdated(functionName, { signal });
}

async function getConfiguration(gateway: LambdaGateway, name: string): Promise<FunctionConfiguration | undefined> {
  try {
    return await gateway.getFunctionConfiguration(name);
  } catch (e) {
    if (classifyAwsError(e) === 'notFound') return undefined;
    throw e;
  }
}

/** "2.0" and "2.0.0" are the same version (PEP 440 pads with zeros); case and a leading "v" do not matter. */
function normalizeVersion(v: string): string {
  return v
    .trim()
    .toLowerCase()
    .replace(/^v/, '')
    .replace(/(\.0)+$/, '');
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
