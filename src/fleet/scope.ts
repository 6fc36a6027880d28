import type { ConnectionSettings } from '../aws/connection';
import type { ClientFactoryOptions } from '../aws/clientFactory';
import { openSession, type OpsSession } from '../ops/session';
import { concurrencyLimiter } from '../util/pool';

/** One place the fleet works in: a region, under a profile (undefined = the default chain) or a local endpoint. */
export interface FleetTarget {
  /** `region` alone, or `profile@region` when the scope spans several profiles. */
  readonly key: string;
  readonly region: string;
  readonly profile?: string;
  readonly session: OpsSession;
  /**
   * Runs a call against this target, at most `perTarget` at once, because Lambda's control-plane quota
   * (15 req/s shared by most calls) is per account and region. `onQueued` fires when the task must wait.
   */
  run<T>(task: () => Promise<T>, onQueued?: () => void): Promise<T>;
}

export interface Fleet {
  readonly targets: readonly FleetTarget[];
  dispose(): void;
}

export interface FleetOptions {
  /** Calls in flight per target. Default 4: well inside the 15 req/s quota with the SDK's adaptive retries. */
  perTarget?: number;
  factory?: ClientFactoryOptions;
  /** Replaces how a target's session is made (tests inject failing gateways). */
  openSession?: (settings: ConnectionSettings) => OpsSession;
}

/**
 * Opens one client factory (through `openSession`) per profile × region of the scope. `settingsFor`
 * gives each pair's connection, so the endpoint and credentials rules stay where they are.
 */
export function openFleet(
  pairs: ReadonlyArray<{ region: string; profile?: string }>,
  settingsFor: (pair: { region: string; profile?: string }) => ConnectionSettings,
  options: FleetOptions = {},
): Fleet {
  const open = options.openSession ?? ((s: ConnectionSettings) => openSession(s, options.factory));
  const profiles = new Set(pairs.map((p) => p.profile));
  const targets = pairs.map((pair): FleetTarget => {
    const session = open(settingsFor(pair));
    const limit = concurrencyLimiter(options.perTarget ?? 4);
    let active = 0;
    return {
      key: profiles.size > 1 ? `${pair.profile ?? 'default'}@${pair.region}` : pair.region,
      region: pair.region,
      ...(pair.profile ? { profile: pair.profile } : {}),
      session,
      run(task, onQueued) {
        if (active >= (options.perTarget ?? 4)) onQueued?.();
        return limit(async () => {
          active++;
          try {
            return await task();
          } finally {
            active--;
          }
        });
      },
    };
  });
  return { targets, dispose: () => targets.forEach((t) => t.session.dispose()) };
}

/** Every profile × region pair, regions deduplicated in the order given. */
export function scopePairs(
  regions: readonly string[],
  profiles: ReadonlyArray<string | undefined> = [undefined],
): Array<{ region: string; profile?: string }> {
  const unique = [...new Set(regions.map((r) => r.trim()).filter(Boolean))];
  return profiles.flatMap((profile) => unique.map((region) => (profile ? { region, profile } : { region })));
}
