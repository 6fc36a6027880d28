import type { LayerVersionsListItem } from '@aws-sdk/client-lambda';
import { arnAccount, parseLayerArn } from '../aws/arn';
import { readAliases, type AliasesByVersion, type AliasReading } from '../ops/aliasUsage';
import { layerArnsOf } from '../ops/mutateLayers';
import { errorMessage, isCancellation } from '../util/errors';
import { parseMarker } from '../ops/marker';
import type { ProgressSink } from './progress';
import type { Fleet, FleetTarget } from './scope';

/** What one target holds: its layers' versions and which functions use each layer version ARN. */
export type TargetInventory =
  | {
      target: string;
      region: string;
      status: 'ok';
      /** Layer name → its versions, newest first. */
      layers: Map<string, LayerVersionsListItem[]>;
      /** Layer version ARN → the functions using it: `name` for $LATEST, `name:3` for a published version. */
      users: Map<string, string[]>;
      /** Function version (as in `users`) → the aliases routing to it (see `readAliases` for which are read). */
      aliases: AliasesByVersion;
      /** Functions whose aliases could not be read: their versions may have aliases not shown. */
      aliasFailures: AliasReading['failures'];
      /** The account the target's credentials act in, from the ARNs it lists (undefined when it lists none). */
      account?: string;
      functionCount: number;
    }
  | { target: string; region: string; status: 'error'; reason: string; error: unknown };

export interface InventoryOptions {
  signal?: AbortSignal;
  onProgress?: ProgressSink;
  /** Each target's inventory as soon as it is complete, so one slow or failing region never hides the others. */
  onTarget?: (inventory: TargetInventory) => void;
}

/**
 * Loads every target of the fleet in parallel: one ListFunctions sweep per target alongside ListLayers and
 * each layer's ListLayerVersions within the target's bound. A target that fails (opt-in region not enabled,
 * access denied) becomes an error entry; cancellation stops everything.
 */
export async function loadInventory(fleet: Fleet, options: InventoryOptions = {}): Promise<TargetInventory[]> {
  return Promise.all(
    fleet.targets.map(async (t) => {
      let inventory: TargetInventory;
      try {
        inventory = await loadTarget(t, options);
      } catch (error) {
        if (isCancellation(error)) throw error;
        inventory = { target: t.key, region: t.region, status: 'error', reason: errorMessage(error), error };
      }
      options.onProgress?.({ target: t.key, subject: '*', state: inventory.status === 'ok' ? 'done' : 'failed' });
      options.onTarget?.(inventory);
      return inventory;
    }),
  );
}

async function loadTarget(t: FleetTarget, options: InventoryOptions): Promise<TargetInventory> {
  const { gateway } = t.session;
  const { signal } = options;
  const report = options.onProgress ?? (() => {});
  const users = new Map<string, string[]>();
  let functionCount = 0;
  let account: string | undefined;
  let aliasReading: AliasReading = { aliases: new Map(), failures: [] };
  const sweep = (async () => {
    report({ target: t.key, subject: '*', state: 'running', step: 'ListFunctions' });
    const withVersions = new Set<string>();
    // Every version in the one sweep: a layer version pinned only by a published function version is still used.
    for await (const page of gateway.listFunctionPages({ signal, allVersions: true })) {
      for (const fn of page) {
        account ??= fn.FunctionArn && arnAccount(fn.FunctionArn);
        const published = fn.Version !== undefined && fn.Version !== '$LATEST';
        if (!published) functionCount++;
        else withVersions.add(fn.FunctionName!);
        const user = published ? `${fn.FunctionName!}:${fn.Version!}` : fn.FunctionName!;
        for (const arn of layerArnsOf(fn)) {
          const list = users.get(arn);
          if (list) list.push(user);
          else users.set(arn, [user]);
        }
      }
    }
    // Aliases pin published versions, which retention and rollout decisions must see.
    report({ target: t.key, subject: '*', state: 'running', step: 'ListAliases' });
    aliasReading = await readAliases(gateway, withVersions, { signal, run: (task) => t.run(task) });
  })();
  const layers = new Map<string, LayerVersionsListItem[]>();
  const versions = (async () => {
    const fetches: Promise<void>[] = [];
    for await (const layer of gateway.listLayers({ signal })) {
      const name = layer.LayerName!;
      account ??= layer.LayerArn && arnAccount(layer.LayerArn);
      fetches.push(
        t.run(
          async () => {
            const list: LayerVersionsListItem[] = [];
            for await (const v of gateway.listLayerVersions(name, { signal })) list.push(v);
            layers.set(
              name,
              list.sort((a, b) => (b.Version ?? 0) - (a.Version ?? 0)),
            );
          },
          () => report({ target: t.key, subject: name, state: 'queued', why: 'concurrency-limit' }),
        ),
      );
    }
    await Promise.all(fetches);
  })();
  // allSettled first, so a failing sweep never leaves the other one running unobserved.
  const settled = await Promise.allSettled([sweep, versions]);
  for (const s of settled) if (s.status === 'rejected') throw s.reason;
  return {
    target: t.key,
    region: t.region,
    status: 'ok',
    layers,
    users,
    aliases: aliasReading.aliases,
    aliasFailures: aliasReading.failures,
    ...(account ? { account } : {}),
    functionCount,
  };
}

export interface FleetVersion {
  version: number;
  arn: string;
  /** From the version's description marker; undefined for versions not published by this tool. */
  sha256?: string;
  /** How many versions behind the target's newest. */
  behindBy: number;
  functions: string[];
  /** The aliases routing to those function versions: `f:prod` → `f:3`. */
  aliases: Array<{ alias: string; version: string }>;
}

/** One layer in one target: its versions with their users, missing there, or the target's error. */
export type LayerFleetRow =
  | {
      target: string;
      region: string;
      account?: string;
      status: 'ok';
      latest: number;
      versions: FleetVersion[];
      behind: number;
      /** Functions whose aliases could not be read. */
      aliasFailures: string[];
    }
  | { target: string; region: string; account?: string; status: 'missing' }
  | { target: string; region: string; status: 'error'; reason: string };

/**
 * The fleet view of one layer: per target, each version (newest first) with its content hash and the
 * functions using it; `behind` counts functions on older versions than that target's newest.
 */
export function layerFleet(inventories: readonly TargetInventory[], layerName: string): LayerFleetRow[] {
  return inventories.map((inv): LayerFleetRow => {
    if (inv.status === 'error') return { target: inv.target, region: inv.region, status: 'error', reason: inv.reason };
    const at = { target: inv.target, region: inv.region, ...(inv.account ? { account: inv.account } : {}) };
    const listed = inv.layers.get(layerName);
    if (!listed?.length) return { ...at, status: 'missing' };
    const latest = listed[0].Version ?? 0;
    const versions = listed.map((v): FleetVersion => {
      const sha256 = parseMarker(v.Description)?.sha256;
      const functions = inv.users.get(v.LayerVersionArn ?? '') ?? [];
      return {
        version: v.Version ?? 0,
        arn: v.LayerVersionArn ?? '',
        ...(sha256 ? { sha256 } : {}),
        behindBy: latest - (v.Version ?? 0),
        functions,
        aliases: functions.flatMap((f) =>
          (inv.aliases.get(f) ?? []).map((a) => ({ alias: `${f.split(':')[0]}:${a}`, version: f })),
        ),
      };
    });
    // Functions may still use versions deleted since (not listed): they are behind too.
    const layerArn = parseLayerArn(versions[0].arn)?.layerArn;
    let behind = 0;
    for (const [arn, fns] of inv.users) {
      const ref = parseLayerArn(arn);
      // Only $LATEST can move to the newest; a published version keeps its layers for good.
      if (ref?.layerArn === layerArn && (ref?.version ?? latest) < latest)
        behind += fns.filter((f) => !f.includes(':')).length;
    }
    const aliasFailures = inv.aliasFailures.map((f) => f.function);
    return { ...at, status: 'ok', latest, versions, behind, aliasFailures };
  });
}
