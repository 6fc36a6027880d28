import * as vscode from 'vscode';
import { functionWarnings } from '../../ops/attach';
import { parseLayerArn } from '../../aws/arn';
import { updateToVersion } from '../../ops/layerList';
import type { MutateResult } from '../../ops/mutateLayers';
import type { Services } from '../../services';
import { UserError } from '../../util/errors';
import { replaceChange, stackCheckWarnings } from '../../stack/stackGuard';
import { checkStacks } from '../stack/checkStacks';
import { confirmChange } from '../stack/confirmChange';
import { changeFunctionLayers, requireFunctionLayer } from './functionLayerNode';
import { shortLayerName } from './layerVersionTarget';

/** On an outdated layer row: points the function at the account's newest version of that layer, in place. */
export async function updateLayerToLatest(services: Services, node?: unknown): Promise<MutateResult> {
  const item = requireFunctionLayer(node);
  const ref = parseLayerArn(item.arn);
  const layer = services.explorer.model?.getLayer(item.layerName);
  const own = layer !== undefined && layer.arn === ref?.layerArn;
  const latest = item.newerVersion ?? (own ? layer.latestVersion : undefined);
  if (!ref || latest === undefined || latest <= item.version) {
    throw new UserError(
      vscode.l10n.t('{0} already uses the latest version of {1}.', item.functionName, item.layerName),
    );
  }
  const target = `${ref.layerArn}:${latest}`;
  const short = `${item.layerName}:${latest}`;
  await checkBeforeUpdate(services, item.functionName, item.arn, target);
  const result = await changeFunctionLayers(
    services,
    item.functionName,
    vscode.l10n.t('Updating {0} to {1}', item.functionName, short),
    (current) => updateToVersion(current, target),
  );
  if (result.kind === 'updated') {
    const version = own ? layer.versions.find((v) => v.version === latest) : undefined;
    const warnings = functionWarnings(
      { arn: target, compatibleRuntimes: version?.runtimes, compatibleArchitectures: version?.architectures },
      result.configuration,
    );
    if (warnings.length > 0)
      void vscode.window.showWarningMessage(
        vscode.l10n.t('Updated {0} to {1}. {2}', item.functionName, short, warnings.join(' ')),
      );
    else void vscode.window.setStatusBarMessage(vscode.l10n.t('Updated {0} to {1}', item.functionName, short), 5000);
  }
  return result;
}

/** The shared size check of the function's stack after the move; past 90 % of the limit the user decides. */
async function checkBeforeUpdate(services: Services, functionName: string, from: string, to: string): Promise<void> {
  const [check] = await checkStacks(services, [replaceChange(functionName, from, to)]);
  const warnings = stackCheckWarnings(check);
  if (warnings.length === 0) return;
  await confirmChange(services, {
    message: vscode.l10n.t('Update {0} to {1}?', functionName, shortLayerName(to)),
    detail: warnings.join('\n\n'),
    action: vscode.l10n.t('Update'),
    severity: 'warning',
    changes: [{ from, to }],
  });
}
