/** Data the explorer shows. Plain objects: snapshots the UI may keep; the model replaces them on change.
 * Optional fields may be present with the value undefined. */

export interface LayerNode {
  name: string;
  /** Layer ARN without version. */
  arn: string;
  /** Highest version known (ListLayers' latest or the newest listed version). */
  latestVersion?: number;
  /** Newest first. Empty until `versionsState` is `loaded`. */
  versions: LayerVersionNode[];
  versionsState: 'loading' | 'loaded' | 'error';
  versionsError?: unknown;
}

export interface LayerVersionNode {
  layerName: string;
  version: number;
  arn: string;
  runtimes: string[];
  architectures: string[];
  /** Zip size: known when a function uses this version (from its configuration) or after `loadVersionDetails`. */
  codeSize?: number;
  codeSha256?: string;
  created?: string;
  description?: string;
  license?: string;
  /** Functions that have this version attached, sorted: `f1` for $LATEST, `f1:3` for a published version. */
  usedBy: string[];
}

export interface FunctionNode {
  name: string;
  arn: string;
  /** Undefined for container-image functions. */
  runtime?: string;
  architecture: string;
  memory?: number;
  timeout?: number;
  /** As Lambda reports it (e.g. `2024-05-01T10:00:00.000+0000`). */
  lastModified?: string;
  handler?: string;
  packageType?: string;
  revisionId?: string;
  state?: string;
  lastUpdateStatus?: string;
  /** In the function's order (later layers overwrite earlier ones in /opt). */
  layers: AttachedLayer[];
  /** Published versions, oldest first, each with the layers it pins (none where the endpoint has no versions). */
  versions: FunctionVersionNode[];
  /** Sorted by name; read after the function sweep for functions that have published versions. */
  aliases: AliasNode[];
}

/** A published version: what it pinned of $LATEST when it was published. */
export interface FunctionVersionNode {
  functionName: string;
  /** The version number as Lambda gives it (`"3"`). */
  version: string;
  arn: string;
  description?: string;
  lastModified?: string;
  codeSha256?: string;
  layers: AttachedLayer[];
}

export interface AliasNode {
  functionName: string;
  name: string;
  arn: string;
  /** The version it invokes (`"3"` or `$LATEST`). */
  functionVersion: string;
  /** A second version that gets `additionalWeight` (0..1) of the invocations (weighted routing). */
  additionalVersion?: string;
  additionalWeight?: number;
  description?: string;
}

export interface AttachedLayer {
  /** Layer version ARN as attached. */
  arn: string;
  /** The layer's ARN without version. */
  layerArn: string;
  layerName: string;
  version: number;
  codeSize?: number;
  /** The account's latest version of this layer when it is newer than the attached one. */
  newerVersion?: number;
  /** From another account, or not among the account's listed layers (once the listing is complete). */
  external: boolean;
}

export type ModelState =
  { status: 'idle' } | { status: 'loading' } | { status: 'ready' } | { status: 'error'; error: unknown };

export interface ModelProgress {
  functions: number;
  functionsComplete: boolean;
  layers: number;
  layersComplete: boolean;
  /** Layers whose version list has arrived (or failed). */
  layersWithVersions: number;
}

/** What changed, so a tree can refresh only the affected part. */
export type ModelChange =
  | { kind: 'state' }
  /** Layers were added or removed (refresh the layers root). */
  | { kind: 'layers' }
  /** One layer's versions, latest version or used-by lists changed. */
  | { kind: 'layer'; name: string }
  /** Functions were added or removed, or many changed (refresh the functions root). */
  | { kind: 'functions' }
  | { kind: 'function'; name: string };
