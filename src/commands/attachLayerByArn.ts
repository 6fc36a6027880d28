import type { FunctionConfiguration, GetLayerVersionResponse } from '@aws-sdk/client-lambda';
import * as vscode from 'vscode';
import { withCancellableProgress } from './cancellableProgress';
import { classifyAwsError } from '../aws/errors';
import type { LambdaGateway } from '../aws/types';
import { functionWarnings } from '../ops/attach';
import type { LayerCompatibility } from '../ops/compatibility';
import { checkLayerVersionArn, rememberRecent } from '../ops/externalLayer';
import { parseLayerArn } from '../aws/arn';
import { attachLayer } from '../ops/layerList';
import { layerArnsOf, mutateFunctionLayers } from '../ops/mutateLayers';
import type { Services } from '../services';
import { CancelledError } from '../util/errors';
import { formatBytes } from '../util/format';
import { listOrAny } from '../views/format';
import { notifyDone, testInvokeStep } from './layers/outcomes';
import { shortLayerName } from './layers/layerVersionTarget';
import { resolveTarget } from './resourceTarget';

/** globalState key: layer version ARNs attached by ARN, newest first. */
const RECENT_KEY = 'lambdaLayers.recentLayerArns';

interface LookedUp {
  arn: string;
  /** Undefined when the endpoint cannot look layers up by ARN (moto): attach without details. */
  version?: GetLayerVersionResponse;
}

/**
 * Attaches any layer version by ARN — a public layer such as AWS SDK for pandas, or one shared from another
 * account — to a function: checks the ARN, looks it up (runtimes, architectures, size) and asks before
 * attaching through the RevisionId-guarded engine.
 */
export async function attachLayerByArn(services: Services, node?: unknown): Promise<void> {
  const title = vscode.l10n.t('Attach Layer by ARN');
  const target = await resolveTarget(services, node, title, ['function']);
  const { lambda } = services.connection.require();
  const region = target.arn.split(':')[3] || lambda.region;
  const recent = services.context.globalState.get<string[]>(RECENT_KEY, []);

  const picked = await pickLayerVersion(
    lambda,
    vscode.l10n.t('Attach Layer by ARN to {0}', target.name),
    region,
    recent,
  );
  const config = await lambda.getFunctionConfiguration(target.name);
  const current = layerArnsOf(config);
  if (current.includes(picked.arn)) {
    await remember(services, picked.arn);
    void vscode.window.showInformationMessage(vscode.l10n.t('{0} already uses {1}.', target.name, picked.arn));
    return;
  }
  attachLayer(current, picked.arn); // refuses a sixth layer before asking
  const layer: LayerCompatibility = {
    arn: picked.arn,
    compatibleRuntimes: picked.version?.CompatibleRuntimes,
    compatibleArchitectures: picked.version?.CompatibleArchitectures,
  };
  await confirm(target.name, picked, config, layer);

  await withCancellableProgress(
    vscode.l10n.t('Attaching {0} to {1}…', shortLayerName(picked.arn), target.name),
    (_report, signal) =>
      mutateFunctionLayers(lambda, target.name, (layers) => attachLayer(layers, picked.arn), {
        signal,
        log: services.log,
      }),
  );
  await remember(services, picked.arn);
  await services.explorer.refreshFunction(target.name);
  notifyDone(
    vscode.l10n.t('Attached {0} to {1}.', shortLayerName(picked.arn), target.name),
    testInvokeStep(target.name),
  );
}

type ArnItem = vscode.QuickPickItem & { arn?: string };

/**
 * A quick pick that takes a pasted ARN or offers the recently used ones of this region. An ARN that fails
 * the checks or the lookup keeps the pick open with the reason on its row; other failures end the command.
 */
function pickLayerVersion(
  lambda: LambdaGateway,
  title: string,
  region: string,
  recent: readonly string[],
): Promise<LookedUp> {
  const pick = vscode.window.createQuickPick<ArnItem>();
  pick.title = title;
  pick.placeholder = vscode.l10n.t('Paste a layer version ARN (arn:aws:lambda:{0}:ACCOUNT:layer:NAME:VERSION)', region);
  pick.matchOnDescription = true;
  pick.matchOnDetail = true;
  pick.ignoreFocusOut = true;
  const problems = new Map<string, string>();
  const inRegion = recent.filter((arn) => parseLayerArn(arn)?.region === region);

  const render = () => {
    const typed = pick.value.trim();
    const items: ArnItem[] = [];
    if (typed && !inRegion.includes(typed)) {
      const check = checkLayerVersionArn(typed, region);
      const problem = problems.get(typed) ?? (check.ok ? undefined : check.message);
      items.push({
        label: typed,
        arn: typed,
        detail: problem ? `$(error) ${problem}` : vscode.l10n.t('Press Enter to look up this layer version'),
        alwaysShow: true,
      });
    }
    if (inRegion.length > 0) {
      items.push({ label: vscode.l10n.t('Recently used'), kind: vscode.QuickPickItemKind.Separator });
      for (const arn of inRegion) {
        const ref = parseLayerArn(arn);
        const problem = problems.get(arn);
        items.push({
          label: `$(history) ${shortLayerName(arn)}`,
          description: ref ? vscode.l10n.t('account {0}', ref.account) : undefined,
          detail: problem ? `$(error) ${problem}` : arn,
          arn,
        });
      }
    }
    pick.items = items;
  };

  return new Promise<LookedUp>((resolve, reject) => {
    let settled = false;
    const finish = (action: () => void) => {
      settled = true;
      action();
      pick.dispose();
    };
    pick.onDidChangeValue(render);
    pick.onDidHide(() => {
      if (!settled) finish(() => reject(new CancelledError()));
    });
    pick.onDidAccept(async () => {
      const arn = pick.selectedItems[0]?.arn ?? pick.value.trim();
      const check = checkLayerVersionArn(arn, region);
      if (!check.ok) {
        problems.set(arn, check.message);
        render();
        return;
      }
      pick.busy = true;
      pick.enabled = false;
      try {
        const version = await lambda.getLayerVersionByArn(check.arn);
        finish(() => resolve({ arn: check.arn, version }));
      } catch (e) {
        const problem = lookupProblem(e, check.arn);
        if (problem === 'unsupported') finish(() => resolve({ arn: check.arn }));
        else if (problem) {
          problems.set(arn, problem);
          pick.busy = false;
          pick.enabled = true;
          render();
        } else finish(() => reject(e));
      }
    });
    render();
    pick.show();
  });
}

/** What to tell the user about a failed lookup, in the pick; undefined for failures the command wrapper reports. */
function lookupProblem(e: unknown, arn: string): string | 'unsupported' | undefined {
  switch (classifyAwsError(e)) {
    case 'accessDenied':
      return vscode.l10n.t(
        'Access denied to this layer version: {0}. A layer of another account can be used only when its owner has granted your account (or everyone) permission to use that version.',
        arn,
      );
    case 'notFound':
      return vscode.l10n.t(
        'This layer version does not exist: {0}. Check the account, the layer name and the version; deleted versions cannot be attached.',
        arn,
      );
    case 'invalidRequest':
      return vscode.l10n.t('Lambda does not accept {0} as a layer version ARN.', arn);
    case 'unsupported':
      return 'unsupported';
    case 'cancelled':
    case 'conflict':
    case 'credentials':
    case 'expired':
    case 'network':
    case 'preconditionFailed':
    case 'service':
    case 'throttled':
    case 'tooLarge':
    case 'unknown':
      return undefined;
  }
}

/** A modal with what the lookup told about the version; resolves when the user chose to attach. */
async function confirm(
  functionName: string,
  picked: LookedUp,
  config: FunctionConfiguration,
  layer: LayerCompatibility,
): Promise<void> {
  const ref = parseLayerArn(picked.arn)!;
  const own = config.FunctionArn?.split(':')[4];
  const v = picked.version;
  const lines = [
    ref.account === own
      ? vscode.l10n.t('Account: {0} (this account)', ref.account)
      : vscode.l10n.t('Account: {0} (external)', ref.account),
  ];
  if (v) {
    if (v.Description) lines.push(vscode.l10n.t('Description: {0}', v.Description));
    lines.push(vscode.l10n.t('Runtimes: {0}', listOrAny(v.CompatibleRuntimes ?? [])));
    lines.push(vscode.l10n.t('Architectures: {0}', listOrAny(v.CompatibleArchitectures ?? [])));
    if (v.Content?.CodeSize !== undefined)
      lines.push(vscode.l10n.t('Size: {0} zipped', formatBytes(v.Content.CodeSize)));
    if (v.LicenseInfo) lines.push(vscode.l10n.t('License: {0}', v.LicenseInfo));
  } else {
    lines.push(
      vscode.l10n.t('This endpoint cannot look layers up by ARN, so runtimes, architectures and size are unknown.'),
    );
  }
  const replaced = layerArnsOf(config).find((a) => parseLayerArn(a)?.layerArn === ref.layerArn);
  if (replaced)
    lines.push(vscode.l10n.t('Replaces {0}, another version of this layer, in place.', shortLayerName(replaced)));
  // Mismatches and the size estimate as the function would be after attaching.
  const after = [
    ...(config.Layers ?? []).filter((l) => l.Arn !== replaced),
    { Arn: picked.arn, CodeSize: v?.Content?.CodeSize },
  ];
  lines.push(...functionWarnings(layer, { ...config, Layers: after }));

  const attach = vscode.l10n.t('Attach');
  const answer = await vscode.window.showInformationMessage(
    vscode.l10n.t('Attach {0} to {1}?', shortLayerName(picked.arn), functionName),
    { modal: true, detail: lines.join('\n') },
    attach,
  );
  if (answer !== attach) throw new CancelledError();
}

async function remember(services: Services, arn: string): Promise<void> {
  const recent = services.context.globalState.get<string[]>(RECENT_KEY, []);
  await services.context.globalState.update(RECENT_KEY, rememberRecent(recent, arn));
}
