import type { AliasConfiguration } from '@aws-sdk/client-lambda';
import * as l10n from '@vscode/l10n';
import type { LambdaGateway } from '../aws/types';
import { errorMessage, isCancellation } from '../util/errors';

/** Function version label (`f` for $LATEST, `f:3` for a published version) → the aliases routing to it. */
export type AliasesByVersion = Map<string, string[]>;

export interface AliasReading {
  aliases: AliasesByVersion;
  /** Functions whose aliases could not be read (e.g. no lambda:ListAliases), with why. */
  failures: Array<{ function: string; reason: string }>;
}

/**
 * The aliases of `functions` (ListAliases, one call per function, each through `run` so the caller bounds them),
 * keyed by the function version each one routes to; a weighted alias counts for both of its versions. Only
 * functions with published versions need asking: without one, an alias can only name $LATEST, which is the
 * function itself. One function that cannot be read is a failure entry, not an error of the whole reading.
 */
export async function readAliases(
  gateway: LambdaGateway,
  functions: Iterable<string>,
  options: { signal?: AbortSignal; run?: <T>(task: () => Promise<T>) => Promise<T> } = {},
): Promise<AliasReading> {
  const run = options.run ?? ((task) => task());
  const aliases: AliasesByVersion = new Map();
  const failures: AliasReading['failures'] = [];
  await Promise.all(
    [...functions].map((name) =>
      run(async () => {
        try {
          for await (const a of gateway.listAliases(name, { signal: options.signal }))
            for (const label of aliasTargets(name, a))
              aliases.set(label, [...(aliases.get(label) ?? []), a.Name ?? '']);
        } catch (e) {
          if (isCancellation(e)) throw e;
          failures.push({ function: name, reason: errorMessage(e) });
        }
      }),
    ),
  );
  for (const names of aliases.values()) names.sort();
  return { aliases, failures };
}

/** The version labels an alias routes to: its version and, when weighted, the additional one. */
function aliasTargets(functionName: string, a: AliasConfiguration): string[] {
  const label = (v: string | undefined) => (!v || v === '$LATEST' ? functionName : `${functionName}:${v}`);
  return [a.FunctionVersion, ...Object.keys(a.RoutingConfig?.AdditionalVersionWeights ?? {})].map(label);
}

/** `f:3 (alias prod, beta)`: a user of a layer version as plans print it, with the aliases routing to it. */
export function userWithAliases(label: string, aliases: AliasesByVersion): string {
  const names = aliases.get(label);
  return names?.length ? l10n.t('{0} (alias {1})', label, names.join(', ')) : label;
}
