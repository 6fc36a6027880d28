import { setMaxListeners } from 'node:events';
import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
import { classifyAwsError } from '../aws/errors';
import { parseLayerArn } from '../aws/arn';
import type { LambdaGateway } from '../aws/types';
import { errorMessage, isCancellation, throwIfAborted } from '../util/errors';
import { silentLog, type Log } from '../util/log';
import { Emitter, type Event } from './emitter';
import type {
  AliasNode,
  AttachedLayer,
  FunctionNode,
  LayerNode,
  ModelChange,
  ModelProgress,
  ModelState,
} from './nodes';
import { concurrencyLimiter } from '../util/pool';
import {
  isPublishedVersion,
  toAliasNode,
  toFunctionRecord,
  toPublishedRecord,
  toVersionRecord,
  type AttachedRecord,
  type FunctionRecord,
  type LayerRecord,
  type PublishedRecord,
  type VersionRecord,
} from './records';

export interface ExplorerModelOptions {
  /** ListLayerVersions calls in flight at once. Default 6. */
  concurrency?: number;
  /** ListFunctions page size (Lambda caps it at 50). */
  pageSize?: number;
  log?: Log;
}

interface Run {
  controller: AbortController;
  done: Promise<void>;
}

/**
 * The explorer's data: the account's layers (with versions and who uses them) and functions (with
 * their attached layers, newer-version and external marks). Loaded with one paginated ListFunctions
 * sweep plus ListLayers and one ListLayerVersions per layer, all running together; change events
 * arrive as pages land, so a tree can show content long before `state` becomes `ready`.
 * `refresh` never throws: failures end in `state.status === 'error'`.
 *
 * Nodes are built on first read and cached; a change rebuilds only the nodes it affects, so a tree
 * re-reading after every page stays cheap with thousands of functions.
 */
export class ExplorerModel {
  private readonly changes: Emitter<ModelChange>;
  readonly onDidChange: Event<ModelChange>;

  private currentState: ModelState = { status: 'idle' };
  private run?: Run;
  private readonly fns = new Map<string, FunctionRecord>();
  private readonly lyrs = new Map<string, LayerRecord>();
  /** Function name → its published versions, oldest first (from the same FunctionVersion=ALL sweep). */
  private readonly published = new Map<string, PublishedRecord[]>();
  /** Function name → its aliases, read after the sweep for functions with published versions. */
  private readonly aliases = new Map<string, AliasNode[]>();
  /** Layer version ARN → the function versions using it (`f1`, `f1:3`). */
  private readonly usedByIndex = new Map<string, Set<string>>();
  /** Layer ARN (no version) → how many attachments of any of its versions the loaded functions have. */
  private readonly layerUse = new Map<string, number>();
  /** Layer version ARN → CodeSize as reported in function configurations. */
  private readonly sizes = new Map<string, number>();
  /** Layer version ARN → details fetched on demand. */
  private readonly details = new Map<string, { codeSize?: number; codeSha256?: string }>();
  private functionsComplete = false;
  private layersComplete = false;

  private readonly functionNodes = new Map<string, FunctionNode>();
  private readonly layerNodes = new Map<string, LayerNode>();
  private functionList?: FunctionNode[];
  private layerList?: LayerNode[];
  private functionNames?: string[];
  private layerNames?: string[];

  private readonly pending = new Map<string, ModelChange>();
  private flushTimer?: NodeJS.Immediate;
  private readonly limit: <T>(task: () => Promise<T>) => Promise<T>;
  private disposed = false;

  constructor(
    private readonly gateway: LambdaGateway,
    private readonly options: ExplorerModelOptions = {},
  ) {
    const log = options.log ?? silentLog;
    this.changes = new Emitter<ModelChange>((e) => log.error(e instanceof Error ? e : String(e)));
    this.onDidChange = this.changes.event;
    this.limit = concurrencyLimiter(options.concurrency ?? 6);
  }

  get state(): ModelState {
    return this.currentState;
  }

  get progress(): ModelProgress {
    let withVersions = 0;
    for (const l of this.lyrs.values()) if (l.versionsState !== 'loading') withVersions++;
    return {
      functions: this.fns.size,
      functionsComplete: this.functionsComplete,
      layers: this.lyrs.size,
      layersComplete: this.layersComplete,
      layersWithVersions: withVersions,
    };
  }

  /** Sorted by name (case-insensitive). */
  get layers(): readonly LayerNode[] {
    this.layerNames ??= sortedNames(this.lyrs.keys());
    return (this.layerList ??= this.layerNames.map((n) => this.getLayer(n)!));
  }

  /** Sorted by name (case-insensitive). */
  get functions(): readonly FunctionNode[] {
    this.functionNames ??= sortedNames(this.fns.keys());
    return (this.functionList ??= this.functionNames.map((n) => this.getFunction(n)!));
  }

  getLayer(name: string): LayerNode | undefined {
    const cached = this.layerNodes.get(name);
    if (cached) return cached;
    const record = this.lyrs.get(name);
    if (!record) return undefined;
    const node = this.layerNode(record);
    this.layerNodes.set(name, node);
    return node;
  }

  getFunction(name: string): FunctionNode | undefined {
    const cached = this.functionNodes.get(name);
    if (cached) return cached;
    const record = this.fns.get(name);
    if (!record) return undefined;
    const node = this.functionNode(record);
    this.functionNodes.set(name, node);
    return node;
  }

  /** Functions that have this layer version attached, sorted by name. */
  usedBy(layerVersionArn: string): FunctionNode[] {
    return this.userNames(layerVersionArn).flatMap((n) => this.getFunction(n) ?? []);
  }

  /** Functions that have any version of this layer (ARN without version) attached. */
  functionsUsingLayer(layerArn: string): FunctionNode[] {
    return this.functions.filter((f) => f.layers.some((l) => l.layerArn === layerArn));
  }

  /** Starts a load unless one is running or done; resolves when it ends. */
  load(signal?: AbortSignal): Promise<void> {
    const status = this.currentState.status;
    if (this.run && (status === 'loading' || status === 'ready')) return this.run.done;
    return this.refresh(signal);
  }

  /** Drops everything and loads again (a running load is abandoned). Never rejects. */
  refresh(signal?: AbortSignal): Promise<void> {
    this.run?.controller.abort();
    const controller = new AbortController();
    const run: Run = { controller, done: Promise.resolve() };
    this.run = run;
    const combined = signal ? AbortSignal.any([signal, controller.signal]) : controller.signal;
    // Every request in flight listens on the signal (concurrency + the sweeps), above Node's warning threshold of 10.
    setMaxListeners(50, combined);
    run.done = this.loadAll(run, combined);
    return run.done;
  }

  /** Re-reads one function (after attach/detach/update); a function that is gone is removed. Rejects on other errors. */
  async refreshFunction(name: string, signal?: AbortSignal): Promise<void> {
    let config: FunctionConfiguration | undefined;
    try {
      config = await this.gateway.getFunctionConfiguration(name);
    } catch (e) {
      if (classifyAwsError(e) !== 'notFound') throw e;
    }
    throwIfAborted(signal);
    if (config) this.putFunctions([config], false);
    else this.removeFunction(name);
    this.flush();
  }

  /** Re-lists one layer's versions (after publish/delete); a layer with no versions left is removed. Rejects on errors. */
  async refreshLayer(name: string, signal?: AbortSignal): Promise<void> {
    const versions: VersionRecord[] = [];
    for await (const v of this.gateway.listLayerVersions(name, { signal })) versions.push(toVersionRecord(name, v));
    const existing = this.lyrs.get(name);
    if (versions.length === 0) {
      if (existing) this.removeLayer(name);
    } else {
      if (!existing) {
        const arn = parseLayerArn(versions[0].arn)?.layerArn ?? name;
        this.addLayer({ name, arn, versions: [], versionsState: 'loading' });
      }
      this.setVersions(name, versions);
    }
    this.flush();
  }

  /** Fetches size and hash of one version (GetLayerVersion), for a tooltip or details view. */
  async loadVersionDetails(layerName: string, version: number): Promise<void> {
    const v = await this.gateway.getLayerVersion(layerName, version);
    if (!v.LayerVersionArn) return;
    this.details.set(v.LayerVersionArn, { codeSize: v.Content?.CodeSize, codeSha256: v.Content?.CodeSha256 });
    this.layerChanged(layerName);
    this.flush();
  }

  dispose(): void {
    this.disposed = true;
    this.run?.controller.abort();
    if (this.flushTimer) clearImmediate(this.flushTimer);
    this.changes.dispose();
  }

  // ---- loading ----

  private async loadAll(run: Run, signal: AbortSignal): Promise<void> {
    this.clear();
    this.setState({ status: 'loading' });
    const live = () => this.run === run && !signal.aborted;
    try {
      await Promise.all([this.loadFunctions(signal, live), this.loadLayers(signal, live)]);
      if (this.run === run) this.setState(signal.aborted ? { status: 'idle' } : { status: 'ready' });
    } catch (e) {
      if (this.run !== run) return; // superseded by a newer refresh
      const cancelled = isCancellation(e) || signal.aborted;
      run.controller.abort(); // stop the other sweep
      this.setState(cancelled ? { status: 'idle' } : { status: 'error', error: e });
    }
  }

  /** One sweep of every function version: $LATEST entries become functions, the others their published versions. */
  private async loadFunctions(signal: AbortSignal, live: () => boolean): Promise<void> {
    const withVersions = new Set<string>();
    for await (const page of this.gateway.listFunctionPages({
      signal,
      pageSize: this.options.pageSize,
      allVersions: true,
    })) {
      if (!live()) return;
      const versions = page.filter(isPublishedVersion);
      this.putFunctions(
        page.filter((c) => !isPublishedVersion(c)),
        true,
      );
      for (const v of versions) withVersions.add(v.FunctionName ?? '');
      this.putVersions(versions.map(toPublishedRecord));
    }
    if (!live()) return;
    this.functionsComplete = true;
    this.changed({ kind: 'functions' });
    await Promise.all([...withVersions].map((name) => this.limit(() => this.loadAliases(name, signal, live))));
  }

  /** A function's aliases; a failure (e.g. no permission) leaves it without aliases rather than failing the load. */
  private async loadAliases(name: string, signal: AbortSignal, live: () => boolean): Promise<void> {
    if (!live()) return;
    try {
      const aliases: AliasNode[] = [];
      for await (const a of this.gateway.listAliases(name, { signal })) aliases.push(toAliasNode(name, a));
      if (!live()) return;
      this.aliases.set(
        name,
        aliases.sort((a, b) => (a.name < b.name ? -1 : 1)),
      );
      this.functionChanged(name, false);
      this.changed({ kind: 'function', name });
    } catch (e) {
      if (!isCancellation(e) && !signal.aborted)
        this.options.log?.warn(`Could not list the aliases of ${name}: ${errorMessage(e)}`);
    }
  }

  private async loadLayers(signal: AbortSignal, live: () => boolean): Promise<void> {
    const fetches: Promise<void>[] = [];
    for await (const item of this.gateway.listLayers({ signal })) {
      if (!live()) return;
      const name = item.LayerName ?? '';
      this.addLayer({
        name,
        arn: item.LayerArn ?? '',
        latestVersion: item.LatestMatchingVersion?.Version,
        versions: [],
        versionsState: 'loading',
      });
      // Version lists are fetched while the layer listing goes on.
      fetches.push(this.limit(() => this.loadVersions(name, signal, live)));
    }
    if (live()) {
      this.layersComplete = true;
      // "external" marks become definite once every layer of the account is known.
      this.allFunctionsChanged();
    }
    await Promise.all(fetches);
  }

  private async loadVersions(name: string, signal: AbortSignal, live: () => boolean): Promise<void> {
    if (!live()) return;
    try {
      const versions: VersionRecord[] = [];
      for await (const v of this.gateway.listLayerVersions(name, { signal })) versions.push(toVersionRecord(name, v));
      if (!live()) return;
      if (versions.length === 0)
        this.removeLayer(name); // deleted between the two listings
      else this.setVersions(name, versions);
    } catch (e) {
      // Never rejects: a cancelled run notices through its signal, and a failed sibling sweep may
      // already have ended the run, leaving nobody to await these fetches.
      if (isCancellation(e) || signal.aborted) return;
      const record = this.lyrs.get(name);
      if (!record || !live()) return;
      // One layer failing (e.g. no permission on it) leaves the rest of the tree usable.
      record.versionsState = 'error';
      record.versionsError = e;
      this.layerChanged(name);
    }
  }

  // ---- mutations (each one invalidates exactly the cached nodes it affects and queues its events) ----

  private addLayer(record: LayerRecord): void {
    this.lyrs.set(record.name, record);
    this.layerNames = undefined;
    this.layerChanged(record.name);
    this.changed({ kind: 'layers' });
    if (this.usesLayer(record.arn)) this.allFunctionsChanged(); // their newer-version / external marks
  }

  private removeLayer(name: string): void {
    const record = this.lyrs.get(name);
    if (!record) return;
    this.lyrs.delete(name);
    this.layerNames = undefined;
    this.layerChanged(name);
    this.changed({ kind: 'layers' });
    if (this.usesLayer(record.arn)) this.allFunctionsChanged();
  }

  private setVersions(name: string, versions: VersionRecord[]): void {
    const record = this.lyrs.get(name);
    if (!record) return;
    versions.sort((a, b) => b.version - a.version);
    const before = record.latestVersion;
    record.versions = versions;
    record.versionsState = 'loaded';
    delete record.versionsError;
    record.latestVersion = versions[0].version;
    this.layerChanged(name);
    if (before !== record.latestVersion && this.usesLayer(record.arn)) this.allFunctionsChanged();
  }

  /** Adds or replaces functions. During a sweep one `functions` event covers the page. */
  private putFunctions(configs: FunctionConfiguration[], sweep: boolean): void {
    const touchedLayers = new Set<string>();
    let added = false;
    for (const config of configs) {
      const record = toFunctionRecord(config);
      const isNew = !this.fns.has(record.name);
      this.unindex(record.name, this.fns.get(record.name)?.layers, touchedLayers);
      this.fns.set(record.name, record);
      this.index(record.name, record.layers, touchedLayers);
      this.functionChanged(record.name, isNew);
      added ||= isNew;
      if (!sweep && !isNew) this.changed({ kind: 'function', name: record.name });
    }
    if (sweep || added) this.changed({ kind: 'functions' });
    for (const name of touchedLayers) this.layerChanged(name);
  }

  /** Adds published versions (replacing one already known), in the used-by index under `name:version`. */
  private putVersions(versions: PublishedRecord[]): void {
    const touchedLayers = new Set<string>();
    for (const v of versions) {
      const label = `${v.functionName}:${v.version}`;
      const list = this.published.get(v.functionName) ?? [];
      this.unindex(label, list.find((x) => x.version === v.version)?.layers, touchedLayers);
      this.published.set(
        v.functionName,
        [...list.filter((x) => x.version !== v.version), v].sort((a, b) => Number(a.version) - Number(b.version)),
      );
      this.index(label, v.layers, touchedLayers);
      this.functionChanged(v.functionName, false);
    }
    for (const name of touchedLayers) this.layerChanged(name);
  }

  private removeFunction(name: string): void {
    if (!this.fns.has(name)) return;
    const touchedLayers = new Set<string>();
    this.unindex(name, this.fns.get(name)?.layers, touchedLayers);
    for (const v of this.published.get(name) ?? []) this.unindex(`${name}:${v.version}`, v.layers, touchedLayers);
    this.published.delete(name);
    this.aliases.delete(name);
    this.fns.delete(name);
    this.functionChanged(name, true);
    this.changed({ kind: 'functions' });
    for (const layer of touchedLayers) this.layerChanged(layer);
  }

  /** Adds a function version's layers (`label`: `f1` or `f1:3`) to the used-by index. */
  private index(label: string, layers: AttachedRecord[], touchedLayers: Set<string>): void {
    for (const l of layers) {
      let users = this.usedByIndex.get(l.arn);
      if (!users) this.usedByIndex.set(l.arn, (users = new Set()));
      users.add(label);
      this.layerUse.set(l.layerArn, (this.layerUse.get(l.layerArn) ?? 0) + 1);
      if (l.codeSize !== undefined) this.sizes.set(l.arn, l.codeSize);
      touchedLayers.add(l.layerName);
    }
  }

  /** Removes a function version's entries from the used-by index, noting the layers whose lists changed. */
  private unindex(label: string, layers: AttachedRecord[] | undefined, touchedLayers: Set<string>): void {
    for (const l of layers ?? []) {
      const users = this.usedByIndex.get(l.arn);
      users?.delete(label);
      if (users?.size === 0) this.usedByIndex.delete(l.arn);
      const uses = (this.layerUse.get(l.layerArn) ?? 1) - 1;
      if (uses > 0) this.layerUse.set(l.layerArn, uses);
      else this.layerUse.delete(l.layerArn);
      touchedLayers.add(l.layerName);
    }
  }

  private clear(): void {
    this.fns.clear();
    this.published.clear();
    this.aliases.clear();
    this.lyrs.clear();
    this.usedByIndex.clear();
    this.layerUse.clear();
    this.functionsComplete = false;
    this.layersComplete = false;
    this.functionNames = this.layerNames = undefined;
    this.layerNodes.clear();
    this.layerList = undefined;
    this.allFunctionsChanged();
    this.changed({ kind: 'layers' });
  }

  /** Whether any loaded function has a version of this layer attached. */
  private usesLayer(layerArn: string): boolean {
    return this.layerUse.has(layerArn);
  }

  // ---- node cache ----

  private functionChanged(name: string, membership: boolean): void {
    this.functionNodes.delete(name);
    this.functionList = undefined;
    if (membership) this.functionNames = undefined;
  }

  private allFunctionsChanged(): void {
    this.functionNodes.clear();
    this.functionList = undefined;
    this.changed({ kind: 'functions' });
  }

  private layerChanged(name: string): void {
    this.layerNodes.delete(name);
    this.layerList = undefined;
    if (this.lyrs.has(name)) this.changed({ kind: 'layer', name });
  }

  private layerNode(r: LayerRecord): LayerNode {
    return {
      ...r,
      versions: r.versions.map((v) => {
        const d = this.details.get(v.arn);
        return {
          ...v,
          codeSize: d?.codeSize ?? this.sizes.get(v.arn),
          codeSha256: d?.codeSha256,
          usedBy: this.userNames(v.arn),
        };
      }),
    };
  }

  // Literal objects rather than spread/rest: this runs for every function after each page.
  private functionNode(r: FunctionRecord): FunctionNode {
    return {
      name: r.name,
      arn: r.arn,
      runtime: r.runtime,
      architecture: r.architecture,
      memory: r.memory,
      timeout: r.timeout,
      lastModified: r.lastModified,
      handler: r.handler,
      packageType: r.packageType,
      revisionId: r.revisionId,
      state: r.state,
      lastUpdateStatus: r.lastUpdateStatus,
      layers: r.layers.map((l) => this.attached(l, r.accountId)),
      versions: (this.published.get(r.name) ?? []).map((v) => ({
        functionName: v.functionName,
        version: v.version,
        arn: v.arn,
        description: v.description,
        lastModified: v.lastModified,
        codeSha256: v.codeSha256,
        layers: v.layers.map((l) => this.attached(l, r.accountId)),
      })),
      aliases: this.aliases.get(r.name) ?? [],
    };
  }

  private attached(l: AttachedRecord, functionAccount: string | undefined): AttachedLayer {
    const own = this.lyrs.get(l.layerName);
    const listed = own !== undefined && own.arn === l.layerArn;
    const foreign = l.accountId !== undefined && functionAccount !== undefined && l.accountId !== functionAccount;
    const latest = listed ? own.latestVersion : undefined;
    return {
      arn: l.arn,
      layerArn: l.layerArn,
      layerName: l.layerName,
      version: l.version,
      codeSize: l.codeSize,
      newerVersion: latest !== undefined && latest > l.version ? latest : undefined,
      external: foreign || (this.layersComplete && !listed),
    };
  }

  private userNames(layerVersionArn: string): string[] {
    return sortedNames(this.usedByIndex.get(layerVersionArn) ?? []);
  }

  // ---- events ----

  private setState(state: ModelState): void {
    this.currentState = state;
    this.changed({ kind: 'state' });
    this.flush();
  }

  /** Queues changes; they are delivered together (duplicates merged) once the current I/O turn ends. */
  private changed(change: ModelChange): void {
    this.pending.set('name' in change ? `${change.kind}:${change.name}` : change.kind, change);
    this.flushTimer ??= setImmediate(() => this.flush());
  }

  private flush(): void {
    if (this.flushTimer) clearImmediate(this.flushTimer);
    this.flushTimer = undefined;
    const batch = [...this.pending.values()];
    this.pending.clear();
    if (this.disposed) return;
    for (const c of batch) this.changes.fire(c);
  }
}

/** Case-insensitive, then exact, so the order is stable and cheap to compute for thousands of names. */
function sortedNames(names: Iterable<string>): string[] {
  return [...names]
    .map((name) => [name.toLowerCase(), name] as const)
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([, name]) => name);
}
