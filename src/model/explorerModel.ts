import { setMaxListeners } from 'node:events';
import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
import { classifyAwsError } from '../aws/errors';
import { parseLayerVersionArn } from '../aws/arn';
import type { LambdaGateway } from '../aws/types';
import { isCancellation, throwIfAborted } from '../util/errors';
import { silentLog, type Log } from '../util/log';
import { Emitter, type Event } from './emitter';
import type { AttachedLayer, FunctionNode, LayerNode, ModelChange, ModelProgress, ModelState } from './nodes';
import { concurrencyLimiter } from './pool';
import { toFunctionRecord, toVersionRecord, type FunctionRecord, type LayerRecord, type VersionRecord } from './records';

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

const byName = new Intl.Collator(undefined, { numeric: true }).compare;

/**
 * The explorer's data: the account's layers (with versions and who uses them) and functions (with
 * their attached layers, newer-version and external marks). Loaded with one paginated ListFunctions
 * sweep plus ListLayers and one ListLayerVersions per layer, all running together; change events
 * arrive as pages land, so a tree can show content long before `state` becomes `ready`.
 * `refresh` never throws: failures end in `state.status === 'error'`.
 */
export class ExplorerModel {
  private readonly changes: Emitter<ModelChange>;
  readonly onDidChange: Event<ModelChange>;

  private currentState: ModelState = { status: 'idle' };
  private run?: Run;
  private readonly fns = new Map<string, FunctionRecord>();
  private readonly lyrs = new Map<string, LayerRecord>();
  /** Layer version ARN → names of functions using it. */
  private readonly usedByIndex = new Map<string, Set<string>>();
  /** Layer version ARN → CodeSize as reported in function configurations. */
  private readonly sizes = new Map<string, number>();
  /** Layer version ARN → details fetched on demand. */
  private readonly details = new Map<string, { codeSize?: number; codeSha256?: string }>();
  private functionsComplete = false;
  private layersComplete = false;

  private snapshot: {
    layers?: LayerNode[];
    functions?: FunctionNode[];
    layerByName?: Map<string, LayerNode>;
    functionByName?: Map<string, FunctionNode>;
  } = {};
  private pending = new Map<string, ModelChange>();
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

  /** Sorted by name. */
  get layers(): readonly LayerNode[] {
    return (this.snapshot.layers ??= [...this.lyrs.values()].sort((a, b) => byName(a.name, b.name)).map((r) => this.layerNode(r)));
  }

  /** Sorted by name. */
  get functions(): readonly FunctionNode[] {
    return (this.snapshot.functions ??= [...this.fns.values()].sort((a, b) => byName(a.name, b.name)).map((r) => this.functionNode(r)));
  }

  getLayer(name: string): LayerNode | undefined {
    return (this.snapshot.layerByName ??= new Map(this.layers.map((l) => [l.name, l]))).get(name);
  }

  getFunction(name: string): FunctionNode | undefined {
    return (this.snapshot.functionByName ??= new Map(this.functions.map((f) => [f.name, f]))).get(name);
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
    if (config) this.putFunctions([config], 'function');
    else this.removeFunction(name);
    this.flush();
  }

  /** Re-lists one layer's versions (after publish/delete); a layer with no versions left is removed. Rejects on errors. */
  async refreshLayer(name: string, signal?: AbortSignal): Promise<void> {
    const versions: VersionRecord[] = [];
    for await (const v of this.gateway.listLayerVersions(name, { signal })) versions.push(toVersionRecord(name, v));
    const existing = this.lyrs.get(name);
    if (versions.length === 0) {
      if (existing) {
        this.lyrs.delete(name);
        this.changed({ kind: 'layers' }, { kind: 'functions' });
      }
    } else {
      const arn = parseLayerVersionArn(versions[0].arn)?.layerArn ?? existing?.arn ?? name;
      if (!existing) this.lyrs.set(name, { name, arn, versions: [], versionsState: 'loading' });
      this.setVersions(name, versions);
      this.changed(existing ? { kind: 'layer', name } : { kind: 'layers' });
    }
    this.flush();
  }

  /** Fetches size and hash of one version (GetLayerVersion), for a tooltip or details view. */
  async loadVersionDetails(layerName: string, version: number): Promise<void> {
    const v = await this.gateway.getLayerVersion(layerName, version);
    if (!v.LayerVersionArn) return;
    this.details.set(v.LayerVersionArn, { codeSize: v.Content?.CodeSize, codeSha256: v.Content?.CodeSha256 });
    this.changed({ kind: 'layer', name: layerName });
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

  private async loadFunctions(signal: AbortSignal, live: () => boolean): Promise<void> {
    for await (const page of this.gateway.listFunctionPages({ signal, pageSize: this.options.pageSize })) {
      if (!live()) return;
      this.putFunctions(page, 'functions');
    }
    if (!live()) return;
    this.functionsComplete = true;
    this.changed({ kind: 'functions' });
  }

  private async loadLayers(signal: AbortSignal, live: () => boolean): Promise<void> {
    const fetches: Promise<void>[] = [];
    for await (const item of this.gateway.listLayers({ signal })) {
      if (!live()) return;
      const name = item.LayerName ?? '';
      const record: LayerRecord = { name, arn: item.LayerArn ?? '', versions: [], versionsState: 'loading' };
      if (item.LatestMatchingVersion?.Version !== undefined) record.latestVersion = item.LatestMatchingVersion.Version;
      this.lyrs.set(name, record);
      this.changed({ kind: 'layers' });
      // Version lists are fetched while the layer listing goes on.
      fetches.push(this.limit(() => this.loadVersions(name, signal, live)));
    }
    if (live()) {
      this.layersComplete = true;
      // "external" marks on functions become definite once every layer of the account is known.
      this.changed({ kind: 'layers' }, { kind: 'functions' });
    }
    await Promise.all(fetches);
  }

  private async loadVersions(name: string, signal: AbortSignal, live: () => boolean): Promise<void> {
    if (!live()) return;
    try {
      const versions: VersionRecord[] = [];
      for await (const v of this.gateway.listLayerVersions(name, { signal })) versions.push(toVersionRecord(name, v));
      if (!live()) return;
      if (versions.length === 0) {
        this.lyrs.delete(name); // deleted between the two listings
        this.changed({ kind: 'layers' });
        return;
      }
      this.setVersions(name, versions);
    } catch (e) {
      // Never rejects: a cancelled run notices through its signal, and a failed sibling sweep may
      // already have ended the run, leaving nobody to await these fetches.
      if (isCancellation(e) || signal.aborted) return;
      const record = this.lyrs.get(name);
      if (!record || !live()) return;
      // One layer failing (e.g. no permission on it) leaves the rest of the tree usable.
      record.versionsState = 'error';
      record.versionsError = e;
      this.changed({ kind: 'layer', name });
    }
  }

  // ---- mutations ----

  private setVersions(name: string, versions: VersionRecord[]): void {
    const record = this.lyrs.get(name);
    if (!record) return;
    versions.sort((a, b) => b.version - a.version);
    const before = record.latestVersion;
    record.versions = versions;
    record.versionsState = 'loaded';
    delete record.versionsError;
    record.latestVersion = versions[0].version;
    this.changed({ kind: 'layer', name });
    // Newer-version marks on functions depend on the latest version.
    if (before !== record.latestVersion) this.changed({ kind: 'functions' });
  }

  /** Adds or replaces functions; `kind` says which event a replaced function raises. */
  private putFunctions(configs: FunctionConfiguration[], kind: 'function' | 'functions'): void {
    for (const config of configs) {
      const record = toFunctionRecord(config);
      const isNew = !this.fns.has(record.name);
      this.unindex(record.name);
      this.fns.set(record.name, record);
      for (const l of record.layers) {
        let users = this.usedByIndex.get(l.arn);
        if (!users) this.usedByIndex.set(l.arn, (users = new Set()));
        users.add(record.name);
        if (l.codeSize !== undefined) this.sizes.set(l.arn, l.codeSize);
        this.changed({ kind: 'layer', name: l.layerName });
      }
      this.changed(isNew || kind === 'functions' ? { kind: 'functions' } : { kind: 'function', name: record.name });
    }
  }

  private removeFunction(name: string): void {
    if (!this.fns.has(name)) return;
    this.unindex(name);
    this.fns.delete(name);
    this.changed({ kind: 'functions' });
  }

  /** Removes a function's entries from the used-by index. */
  private unindex(name: string): void {
    for (const l of this.fns.get(name)?.layers ?? []) {
      const users = this.usedByIndex.get(l.arn);
      users?.delete(name);
      if (users?.size === 0) this.usedByIndex.delete(l.arn);
      this.changed({ kind: 'layer', name: l.layerName });
    }
  }

  private clear(): void {
    this.fns.clear();
    this.lyrs.clear();
    this.usedByIndex.clear();
    this.functionsComplete = false;
    this.layersComplete = false;
    this.changed({ kind: 'layers' }, { kind: 'functions' });
  }

  // ---- derived nodes ----

  private layerNode(r: LayerRecord): LayerNode {
    const node: LayerNode = { ...r, versions: r.versions.map((v) => ({ ...v, usedBy: this.userNames(v.arn) })) };
    for (const v of node.versions) {
      const d = this.details.get(v.arn);
      const codeSize = d?.codeSize ?? this.sizes.get(v.arn);
      if (codeSize !== undefined) v.codeSize = codeSize;
      if (d?.codeSha256) v.codeSha256 = d.codeSha256;
    }
    return node;
  }

  private functionNode(r: FunctionRecord): FunctionNode {
    const { accountId, layers, ...rest } = r;
    return {
      ...rest,
      layers: layers.map(({ accountId: layerAccount, ...l }): AttachedLayer => {
        const own = this.lyrs.get(l.layerName);
        const listed = own !== undefined && own.arn === l.layerArn;
        const external = (layerAccount !== undefined && accountId !== undefined && layerAccount !== accountId) || (this.layersComplete && !listed);
        const attached: AttachedLayer = { ...l, external };
        if (listed && own.latestVersion !== undefined && own.latestVersion > l.version) attached.newerVersion = own.latestVersion;
        return attached;
      }),
    };
  }

  private userNames(layerVersionArn: string): string[] {
    return [...(this.usedByIndex.get(layerVersionArn) ?? [])].sort(byName);
  }

  // ---- events ----

  private setState(state: ModelState): void {
    this.currentState = state;
    this.changed({ kind: 'state' });
    this.flush();
  }

  /** Queues changes; they are delivered together (duplicates merged) once the current I/O turn ends. */
  private changed(...changes: ModelChange[]): void {
    this.snapshot = {};
    for (const c of changes) this.pending.set('name' in c ? `${c.kind}:${c.name}` : c.kind, c);
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
