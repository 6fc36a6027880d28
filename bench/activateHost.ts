/**
 * One activation in a fresh plain-Node process (bundled to CommonJS and started by extension.bench.ts):
 * `node host.cjs <dist/extension.js> <storage dir>`. Injects the fake `vscode`, then times what VS Code's
 * extension host times as activation: loading the bundle (require) and calling `activate(context)`. Also
 * waits for the connection `activate` starts (the in-process local endpoint), which the views wait for, then
 * times the first command a user runs, `lambdaLayers.refresh` (its module, the SDK calls: what activation
 * left for first use). Prints one JSON line.
 */
import Module, { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { createFakeVscode } from './fakeVscode';

interface Extension {
  activate(context: unknown): {
    services: {
      connection: { settled(): Promise<void>; state: string };
      explorer: { model?: { state: { status: string } } };
    };
  };
  deactivate(): Promise<void>;
}

async function main(): Promise<void> {
  const [extensionPath, storageDir] = process.argv.slice(2);
  const fake = createFakeVscode({ 'lambdaLayers.connection': 'local' });
  const load = createRequire(extensionPath);
  installVscode(fake.api, load.cache);
  const Uri = fake.api.Uri as { file(p: string): unknown };
  const memento = () => {
    const values = new Map<string, unknown>();
    return {
      keys: () => [...values.keys()],
      get: (k: string, d?: unknown) => values.get(k) ?? d,
      update: async (k: string, v: unknown) => void values.set(k, v),
    };
  };
  const subscriptions: { dispose(): unknown }[] = [];
  const context = {
    subscriptions,
    extension: { id: 'lambda-layers.lambda-layers', packageJSON: load('../package.json') as unknown },
    extensionPath: storageDir,
    globalStorageUri: Uri.file(storageDir),
    workspaceState: memento(),
    globalState: memento(),
  };

  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const extension = load(extensionPath) as Extension;
  const loaded = performance.now();
  const api = extension.activate(context);
  const activated = performance.now();
  const cpu = process.cpuUsage(cpuBefore);
  await api.services.connection.settled();
  const ready = performance.now();
  const state = api.services.connection.state;
  await fake.commands.get('lambdaLayers.refresh')?.();
  const refreshed = performance.now();
  const explorer = api.services.explorer.model?.state.status ?? 'none';

  const commands = fake.commands.size;
  await extension.deactivate();
  for (const s of subscriptions) s.dispose();
  const result = {
    requireMs: loaded - started,
    activateMs: activated - loaded,
    // CPU time of require + activate: what the machine's load does not inflate (the wall time above it does).
    activateCpuMs: (cpu.user + cpu.system) / 1000,
    readyMs: ready - started,
    refreshMs: refreshed - ready,
    state,
    explorer,
    commands,
    missing: fake.missing,
    log: fake.logLines.filter((l) => / (warn|error) /.test(l)),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** Makes `require('vscode')` inside the bundle return the fake (the module does not exist outside VS Code). */
function installVscode(api: unknown, cache: NodeJS.Require['cache']): void {
  const M = Module as unknown as { _resolveFilename(request: string, ...rest: unknown[]): string };
  const resolve = M._resolveFilename;
  M._resolveFilename = function (request: string, ...rest: unknown[]) {
    return request === 'vscode' ? 'vscode' : resolve.call(this, request, ...rest);
  };
  const mod = new Module('vscode');
  mod.filename = 'vscode';
  mod.loaded = true;
  mod.exports = api;
  cache.vscode = mod;
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
