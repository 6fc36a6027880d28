import * as vscode from 'vscode';
import { invokeUserError } from '../../invoke/invokeErrors';
import { toInvokeView, type InvokeView } from '../../invoke/result';
import type { Services } from '../../services';
import type { Connection } from '../../vscode/connectionController';
import { withCancellableProgress } from '../cancellableProgress';
import { resolveTarget } from '../resourceTarget';
import { chooseEvent, type EventOptions } from './eventPicker';

/**
 * Invokes a function (a function node, its name, or picked) with `{}` or a saved test event, and shows
 * the result page: status, function error, response, log tail and REPORT figures, and recent results.
 * `options` (automation, tests) gives the payload or event instead of asking. Returns what the page shows.
 */
export async function invokeFunction(services: Services, node?: unknown, options?: EventOptions): Promise<InvokeView> {
  const functionName =
    typeof node === 'string'
      ? node
      : (await resolveTarget(services, node, vscode.l10n.t('Invoke Function'), ['function'])).name;
  const event = await chooseEvent(services, functionName, options);
  const live = services.connection.require();
  const at = new Date();
  const result = await withCancellableProgress(vscode.l10n.t('Invoking {0}', functionName), (_report, signal) =>
    live.lambda.invoke(functionName, event.payload, { tail: true, signal }).catch((e: unknown) => {
      throw invokeUserError(e, functionName, event.payload.byteLength, services.connection.errorContext());
    }),
  );
  const view = toInvokeView(result);
  const again: EventOptions = event.name !== undefined ? { eventName: event.name } : { payload: event.text };
  await services.invokeResults.show({
    key: functionName,
    functionName,
    target: connectionLabel(live),
    view,
    at,
    eventName: event.name,
    rerun: () => vscode.commands.executeCommand('lambdaLayers.invokeFunction', functionName, again),
  });
  return view;
}

function connectionLabel(live: Connection): string {
  return live.isLocal
    ? vscode.l10n.t('Local endpoint · {0}', live.settings.region)
    : vscode.l10n.t('AWS {0} · {1}', live.profile ?? vscode.l10n.t('default'), live.settings.region);
}
