import * as l10n from '@vscode/l10n';
import { zipContents } from '../stack/packages';
import { readZipIndex } from '../stack/zipIndex';
import { readLayerPackages, type LayerPackage } from './distInfo';
import { PROBE_MODULE, nodeProbeHandlerSource, probeHandlerSource } from './probeHandler';

/**
 * What the import probe does differently per language: which runtimes it serves, the handler file it deploys,
 * how it finds a layer's packages, and which names from a build manifest are packages. Everything else
 * (deploying the probe function, invoking it, the rows, the page) is shared by src/invoke/probe.ts.
 */
export interface ProbeLanguage {
  id: 'python' | 'node';
  /** `python3.12`, `nodejs22.x`. */
  runtime: RegExp;
  /** The probe function's code: one file, loaded by the handler `lambda_layers_probe.handler`. */
  codeFile(): { name: string; source: string };
  /** The layer's packages with the modules to load, from its zip. */
  readPackages(zipPath: string, signal?: AbortSignal): Promise<LayerPackage[]>;
  /** Names a package of this language can have (a manifest's "(other files)" is none). */
  packageName: RegExp;
  /** What to load for a package the manifest lists without modules. */
  defaultModules(name: string): string[];
  noPackagesMessage(): string;
}

const PYTHON: ProbeLanguage = {
  id: 'python',
  runtime: /^python3\.(\d+)$/,
  codeFile: () => ({ name: `${PROBE_MODULE}.py`, source: probeHandlerSource() }),
  readPackages: readLayerPackages,
  packageName: /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/,
  // A distribution's modules are not its name: without any, there is nothing to import (reported as not installed).
  defaultModules: () => [],
  noPackagesMessage: () => l10n.t('The layer holds no Python packages (no python/**/*.dist-info folders).'),
};

const NODE: ProbeLanguage = {
  id: 'node',
  runtime: /^nodejs(\d+)\.x$/,
  codeFile: () => ({ name: `${PROBE_MODULE}.cjs`, source: nodeProbeHandlerSource() }),
  readPackages: readNodeLayerPackages,
  packageName: /^(?:@[a-z0-9~-][a-z0-9._~-]*\/)?[a-z0-9~-][a-z0-9._~-]*$/i,
  // A Node.js package is loaded by its name; a build's manifest names the project's own dependencies (topLevel),
  // the packages they pull in are reported with their version only.
  defaultModules: () => [],
  noPackagesMessage: () =>
    l10n.t('The layer holds no Node.js packages (no nodejs/node_modules or nodejs/nodeNN/node_modules folders).'),
};

const LANGUAGES = [PYTHON, NODE];

/** The language of a runtime id; undefined for runtimes the probe does not serve. */
export function probeLanguageOf(runtime: string | undefined): ProbeLanguage | undefined {
  return runtime ? LANGUAGES.find((l) => l.runtime.test(runtime)) : undefined;
}

/**
 * The newest runtime a layer declares, Python first (layers declare one language in practice): packages built
 * for several versions load on each.
 */
export function pickProbeRuntime(runtimes: readonly string[]): string | undefined {
  for (const language of LANGUAGES) {
    const version = (r: string) => Number(language.runtime.exec(r)?.[1]);
    const newest = runtimes.filter((r) => language.runtime.test(r)).sort((a, b) => version(b) - version(a))[0];
    if (newest) return newest;
  }
  return undefined;
}

/**
 * The top-level packages of a Node.js layer (`nodejs/node_modules/*` and `nodejs/nodeNN/node_modules/*`, scoped
 * `@x/y` too) with the version of their package.json. A name in both folders is listed once: the versioned folder
 * comes first on NODE_PATH, so its copy is the one that loads.
 */
export async function readNodeLayerPackages(zipPath: string, signal?: AbortSignal): Promise<LayerPackage[]> {
  const contents = zipContents('layer', await readZipIndex(zipPath, signal));
  const versionedFirst = contents.packages
    .filter((p) => p.ecosystem === 'node')
    .sort((a, b) => Number(b.dir !== 'nodejs/node_modules') - Number(a.dir !== 'nodejs/node_modules'));
  const byName = new Map<string, LayerPackage>();
  for (const p of versionedFirst)
    if (!byName.has(p.name)) byName.set(p.name, { name: p.name, version: p.version || undefined, modules: [p.name] });
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}
