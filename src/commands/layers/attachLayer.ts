import * as vscode from 'vscode';
import { attachToFunctions } from '../../ops/attach';
import { knownSizesFromManifests } from '../../ops/manifest';
import type { FunctionOutcome } from '../../ops/outcomes';
import { mergeKnownSizes, type KnownSizes } from '../../ops/sizeGuard';
import { sharedZipCache } from '../stack/sharedZipCache';
import type { Services } from '../../services';
import { withCancellableProgress } from '../cancellableProgress';
import { buildOfPublished } from '../publishedBuild';
import { attachChange } from '../../stack/stackGuard';
import { distinctVersionChanges } from '../../stack/compare';
import { checkStacks, logWarnings } from '../stack/checkStacks';
import { confirmChange } from '../stack/confirmChange';
import { bulletList } from './confirm';
import { pickFunctionsForLayer, type AttachPreview } from './functionPicker';
import { resolveLayerVersion, type LayerVersionTarget } from './layerVersionTarget';
import { perFunctionProgress, refreshFunctions, reportOutcomes, testInvokeStep } from './outcomes';

export interface AttachOptions {
  /** Attach to these functions without asking (automation and tests); people pick them in a list. */
  functions?: string[];
}

/**
 * Attaches a layer version (a version node, a version ARN, or picked) to functions picked from the
 * explorer, after a confirmation that repeats each function's warnings. Returns each function's outcome.
 */
export async function attachLayer(
  services: Services,
  arg?: unknown,
  options?: AttachOptions,
): Promise<FunctionOutcome[]> {
  const layer = await resolveLayerVersion(services, arg, vscode.l10n.t('Attach Layer Version'));
  const knownSizes = await sizesFromWorkspace(layer);
  const targets = options?.functions ?? (await pickAndConfirm(services, layer, knownSizes));
  if (options?.functions)
    logWarnings(
      services,
      await checkStacks(
        services,
        targets.map((name) => attachChange(name, [{ arn: layer.arn, codeSize: layer.codeSize }])),
      ),
    );
  // The check read every zip of the targets' stacks: the outcomes' size warnings are exact too.
  const sizes = mergeKnownSizes(knownSizes, await sharedZipCache().knownSizes());
  const live = services.connection.require();
  const label = `${layer.name}:${layer.version}`;
  let outcomes: FunctionOutcome[];
  try {
    outcomes = await withCancellableProgress(vscode.l10n.t('Attaching {0}', label), (report, signal) =>
      attachToFunctions(
        live.lambda,
        { arn: layer.arn, compatibleRuntimes: layer.runtimes, compatibleArchitectures: layer.architectures },
        targets,
        { signal, log: services.log, knownSizes: sizes, onProgress: perFunctionProgress(report) },
      ),
    );
  } finally {
    await refreshFunctions(services, targets);
  }
  reportOutcomes(
    services,
    outcomes,
    vscode.l10n.t('Attach {0}', label),
    (ok, total) =>
      ok === total
        ? total === 1
          ? vscode.l10n.t('Attached {0} to {1}.', label, targets[0])
          : vscode.l10n.t('Attached {0} to {1} functions.', label, total)
        : vscode.l10n.t('Attached {0} to {1} of {2} functions.', label, ok, total),
    targets.length === 1 ? testInvokeStep(targets[0]) : undefined,
  );
  return outcomes;
}

/** The functions picked and confirmed in a modal that repeats each function's warnings. */
async function pickAndConfirm(
  services: Services,
  layer: LayerVersionTarget,
  knownSizes: KnownSizes | undefined,
): Promise<string[]> {
  const picked = await pickFunctionsForLayer(services, layer, knownSizes);
  await confirmAttach(services, layer, await withExactSizes(services, layer, picked));
  return picked.map((p) => p.functionName);
}

/** The picked previews with the quick size estimate replaced by the shared exact check (src/stack/stackGuard.ts). */
async function withExactSizes(
  services: Services,
  layer: LayerVersionTarget,
  picked: readonly AttachPreview[],
): Promise<AttachPreview[]> {
  const checks = await checkStacks(
    services,
    picked.map((p) => attachChange(p.functionName, [{ arn: layer.arn, codeSize: layer.codeSize }])),
  );
  return picked.map((p, i) => {
    const exact = checks[i].message;
    const esm = checks[i].esmWarning;
    return {
      ...p,
      warnings: [...p.warnings.filter((w) => w !== p.sizeWarning), ...(exact ? [exact] : []), ...(esm ? [esm] : [])],
      sizeWarning: exact,
    };
  });
}

async function confirmAttach(
  services: Services,
  layer: LayerVersionTarget,
  picked: readonly AttachPreview[],
): Promise<void> {
  const label = `${layer.name}:${layer.version}`;
  // One function is named by the question already: its detail is its note and warnings only.
  const lines =
    picked.length === 1
      ? [picked[0].note, ...picked[0].warnings.map((w) => `⚠ ${w}`)].filter((l): l is string => Boolean(l))
      : picked.map((p) =>
          [`${p.functionName}${p.note ? ` (${p.note})` : ''}`, ...p.warnings.map((w) => `   ⚠ ${w}`)].join('\n'),
        );
  const warned = picked.some((p) => p.warnings.length > 0);
  const message =
    picked.length === 1
      ? vscode.l10n.t('Attach {0} to {1}?', label, picked[0].functionName)
      : vscode.l10n.t('Attach {0} to {1} functions?', label, picked.length);
  await confirmChange(services, {
    message,
    detail: bulletList(lines),
    action: vscode.l10n.t('Attach'),
    severity: warned ? 'warning' : 'info',
    changes: distinctVersionChanges(picked.map((p) => ({ from: p.replaces, to: layer.arn }))),
  });
}

/** Exact unzipped sizes: of the layer when the workspace holds the build it was published from, and of every zip an analysis read. */
async function sizesFromWorkspace(layer: LayerVersionTarget): Promise<KnownSizes | undefined> {
  const built = await buildOfPublished(layer.codeSha256);
  const fromBuild = built ? knownSizesFromManifests([{ manifest: built.manifest, arn: layer.arn }]) : undefined;
  return mergeKnownSizes(fromBuild, await sharedZipCache().knownSizes());
}
