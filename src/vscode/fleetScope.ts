import * as vscode from 'vscode';
import type { ConnectionSettings } from '../aws/connection';
import { isKnownRegion } from '../aws/regions';
import type { TargetInventory } from '../fleet/inventory';
import type { Fleet } from '../fleet/scope';
import type { LambdaGateway } from '../aws/types';
import { isCancellation } from '../util/errors';
import type { Log } from '../util/log';
import type { Connection, ConnectionController } from './connectionController';

const SECTION = 'lambdaLayers';

/** A target of the scope while its inventory loads, or what it loaded (a region that failed is an error entry). */
export type TargetState = { target: string; region: string; status: 'loading' } | TargetInventory;

/**
 * The regions (and optionally profiles) the fleet commands act on: `lambdaLayers.scope.regions` and
 * `lambdaLayers.scope.profiles`, or just the connection's region and profile. Opens the fleet's clients on
 * first use (the fleet engines load only then) and keeps the scope's inventory, target by target as each
 * arrives, so one slow or failing region never hides the others.
 */
export class FleetScope implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  /** The scope or the connection changed: the fleet and its inventory start over. */
  readonly onDidChange = this.changed.event;
  private readonly inventoryChanged = new vscode.EventEmitter<void>();
  /** A target's inventory arrived (or a load started). */
  readonly onDidChangeInventory = this.inventoryChanged.event;
  private readonly subscriptions: vscode.Disposable[];
  private open?: { connection: Connection; fleet: Fleet };
  private states: TargetState[] = [];
  private loading?: { promise: Promise<void>; abort: AbortController };
  private seen: { connection?: Connection; scope?: string } = {};

  constructor(
    private readonly connection: ConnectionController,
    private readonly log: Log,
  ) {
    this.subscriptions = [
      connection.onDidChange(() => this.resetIfChanged()),
      vscode.workspace.onDidChangeConfiguration(
        (e) => e.affectsConfiguration(`${SECTION}.scope`) && this.resetIfChanged(),
      ),
    ];
  }

  /** The scope's regions: the configured ones, else the connection's region. */
  get regions(): string[] {
    const configured = this.configured('scope.regions').filter(isKnownRegion);
    const own = this.connection.current?.settings.region;
    return configured.length > 0 ? configured : own ? [own] : [];
  }

  /** Profiles beyond the connection's (AWS only; a local endpoint has none). Empty: the connection's own. */
  get profiles(): string[] {
    return this.connection.current?.isLocal ? [] : this.configured('scope.profiles');
  }

  /** The fleet of the scope over the live connection, opened on first use and kept until the scope changes. */
  async fleet(): Promise<Fleet> {
    const live = this.connection.require();
    if (this.open?.connection === live) return this.open.fleet;
    const { openFleet, scopePairs } = await import('../fleet/scope');
    const profiles = this.profiles;
    const pairs = scopePairs(this.regions, profiles.length > 0 ? profiles : [live.profile]);
    const settingsFor = (pair: { region: string; profile?: string }): ConnectionSettings => ({
      ...live.settings,
      region: pair.region,
      ...(pair.profile ? { profile: pair.profile } : {}),
    });
    // Another profile signs with its own keys, not the connection's.
    const sameKeys = profiles.length === 0;
    const fleet = openFleet(pairs, settingsFor, {
      factory: sameKeys ? live.clientOptions : { userAgent: live.clientOptions.userAgent },
    });
    this.open?.fleet.dispose();
    this.open = { connection: live, fleet };
    return fleet;
  }

  /** The Lambda gateways of the scope's regions: just the connection's when the scope is its one region. */
  async gateways(): Promise<LambdaGateway[]> {
    const live = this.connection.require();
    const single = this.profiles.length === 0 && this.regions.length === 1 && this.regions[0] === live.settings.region;
    return single ? [live.lambda] : (await this.fleet()).targets.map((t) => t.session.gateway);
  }

  /** Every target's state so far (empty before the first load). */
  get inventory(): readonly TargetState[] {
    return this.states;
  }

  /** Loads the scope's inventory once (again with `force`); the states update as each target finishes. */
  loadInventory(force = false): Promise<void> {
    if (this.loading && !force) return this.loading.promise;
    this.loading?.abort.abort();
    const abort = new AbortController();
    const promise = this.load(abort.signal).catch((e: unknown) => {
      if (!isCancellation(e)) this.log.warn(`Loading the fleet inventory: ${String(e)}`);
    });
    this.loading = { promise, abort };
    return promise;
  }

  private async load(signal: AbortSignal): Promise<void> {
    const fleet = await this.fleet();
    const { loadInventory } = await import('../fleet/inventory');
    this.states = fleet.targets.map((t) => ({ target: t.key, region: t.region, status: 'loading' as const }));
    this.inventoryChanged.fire();
    await loadInventory(fleet, {
      signal,
      onTarget: (inv) => {
        if (signal.aborted) return;
        this.states = this.states.map((s) => (s.target === inv.target ? inv : s));
        if (inv.status === 'error') this.log.warn(`Fleet: ${inv.target}: ${inv.reason}`);
        this.inventoryChanged.fire();
      },
    });
  }

  private configured(key: string): string[] {
    const value = vscode.workspace.getConfiguration(SECTION).get<unknown>(key);
    return Array.isArray(value)
      ? [
          ...new Set(
            value
              .filter((v): v is string => typeof v === 'string')
              .map((v) => v.trim())
              .filter(Boolean),
          ),
        ]
      : [];
  }

  /** Starts over only when the connection or the scope really changed (the connection reports every state change). */
  private resetIfChanged(): void {
    const now = { connection: this.connection.current, scope: JSON.stringify([this.regions, this.profiles]) };
    if (now.connection === this.seen.connection && now.scope === this.seen.scope) return;
    this.seen = now;
    this.reset();
  }

  private reset(): void {
    this.loading?.abort.abort();
    this.loading = undefined;
    this.open?.fleet.dispose();
    this.open = undefined;
    this.states = [];
    this.changed.fire();
    this.inventoryChanged.fire();
  }

  dispose(): void {
    this.reset();
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
    this.inventoryChanged.dispose();
  }
}
