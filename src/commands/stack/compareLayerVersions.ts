import * as vscode from 'vscode';
import { parseLayerArn } from '../../aws/arn';
import type { Services } from '../../services';
import { compareOperands, parseOperand, type CompareOperand, type Comparison } from '../../stack/compare';
import { CancelledError } from '../../util/errors';
import { listBuiltZips } from '../builtZips';
import { withCancellableProgress } from '../cancellableProgress';
import { askText, pickOne } from '../prompts';
import { resolveTarget } from '../resourceTarget';
import { sharedZipCache } from './sharedZipCache';

type Item = vscode.QuickPickItem & { operand?: CompareOperand; enterArn?: boolean };

/**
 * Compare With…: a layer version against another version of the layer, a built zip of this workspace or any
 * layer version ARN; the older version (or the published one) is "before". `other` (an ARN or zip path) skips the pick.
 */
export async function compareLayerVersions(services: Services, node?: unknown, other?: string): Promise<Comparison> {
  const arn =
    typeof node === 'string'
      ? node.trim()
      : (await resolveTarget(services, node, vscode.l10n.t('Compare Layer Versions'), ['layerVersion'])).arn;
  const base: CompareOperand = { kind: 'arn', arn };
  const otherOperand = other !== undefined ? await parseOperand(other) : await pickOther(services, arn);
  const [before, after] = isOlder(otherOperand, arn) ? [otherOperand, base] : [base, otherOperand];
  const live = services.connection.require();
  const comparison = await withCancellableProgress(vscode.l10n.t('Comparing layer versions'), (report, signal) =>
    compareOperands(before, after, () => live.lambda, { cache: sharedZipCache(), signal, onProgress: report }),
  );
  services.stackPanels.showComparison(comparison);
  return comparison;
}

function isOlder(operand: CompareOperand, than: string): boolean {
  if (operand.kind !== 'arn') return false;
  const a = parseLayerArn(operand.arn);
  const b = parseLayerArn(than);
  return a?.layerArn === b?.layerArn && (a?.version ?? 0) < (b?.version ?? 0);
}

async function pickOther(services: Services, arn: string): Promise<CompareOperand> {
  const ref = parseLayerArn(arn);
  const layer = ref ? services.explorer.model?.getLayer(ref.name) : undefined;
  const items: Item[] = [];
  const versions = (layer?.versions ?? []).filter((v) => v.arn !== arn);
  if (versions.length > 0)
    items.push({ label: vscode.l10n.t('Versions of {0}', ref!.name), kind: vscode.QuickPickItemKind.Separator });
  for (const v of versions)
    items.push({
      label: `$(versions) ${vscode.l10n.t('Version {0}', v.version)}`,
      description: v.description,
      operand: { kind: 'arn', arn: v.arn },
    });
  const built = await listBuiltZips();
  if (built.length > 0) items.push({ label: vscode.l10n.t('Built zips'), kind: vscode.QuickPickItemKind.Separator });
  for (const b of built)
    items.push({
      label: `$(file-zip) ${vscode.workspace.asRelativePath(b.zipPath)}`,
      operand: { kind: 'zip', path: b.zipPath },
    });
  items.push(
    { label: '', kind: vscode.QuickPickItemKind.Separator },
    { label: vscode.l10n.t('$(edit) Enter a layer version ARN…'), enterArn: true },
  );
  const picked = await pickOne({
    title: vscode.l10n.t('Compare {0} with…', ref ? `${ref.name}:${ref.version}` : arn),
    placeholder: vscode.l10n.t('Select what to compare with'),
    items,
  });
  if (picked.operand) return picked.operand;
  if (!picked.enterArn) throw new CancelledError();
  const entered = await askText({
    prompt: vscode.l10n.t('Layer version ARN'),
    placeHolder: 'arn:aws:lambda:us-east-1:123456789012:layer:name:1',
  });
  return parseOperand(entered);
}
