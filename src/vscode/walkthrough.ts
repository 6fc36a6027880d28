import * as vscode from 'vscode';

/**
 * Context keys the "Get started" walkthrough's completion events wait for (`onContext:` in package.json):
 * a step is checked off when its command finished without error or cancellation, not merely when it ran.
 */
const STEP_DONE: Readonly<Record<string, string>> = {
  'lambdaLayers.buildLayer': 'lambdaLayers.walkthrough.built',
  'lambdaLayers.rebuildLayer': 'lambdaLayers.walkthrough.built',
  'lambdaLayers.publishLayer': 'lambdaLayers.walkthrough.published',
  'lambdaLayers.attachLayer': 'lambdaLayers.walkthrough.attached',
  'lambdaLayers.attachLayerByArn': 'lambdaLayers.walkthrough.attached',
  'lambdaLayers.invokeFunction': 'lambdaLayers.walkthrough.invoked',
  'lambdaLayers.createFunction': 'lambdaLayers.walkthrough.created',
  'lambdaLayers.createTutorialFunction': 'lambdaLayers.walkthrough.created',
  'lambdaLayers.deployAndInvoke': 'lambdaLayers.walkthrough.invoked',
};

/** Called by the command wrapper after a command succeeded. */
export function commandSucceeded(commandId: string): void {
  const key = STEP_DONE[commandId];
  if (key) void vscode.commands.executeCommand('setContext', key, true);
}

/** The walkthrough's id as `workbench.action.openWalkthrough` wants it: `<publisher>.<name>#<walkthrough id>`. */
export function walkthroughId(context: vscode.ExtensionContext): string {
  return `${context.extension.id}#getStarted`;
}

const OFFERED_KEY = 'lambdaLayers.walkthroughOffered';

/**
 * On the first activation only, offers the walkthrough in a notification. VS Code opens the walkthroughs of
 * extensions installed from the Marketplace by itself, but not of a VSIX or a development extension; users who
 * turned that off (`workbench.welcomePage.walkthroughs.openOnInstall`) are not asked either. The in-VS-Code
 * tests set LAMBDA_LAYERS_NO_WALKTHROUGH_OFFER: their flows share one profile, so the offer would land in one
 * arbitrary flow.
 */
export async function offerWalkthroughOnce(context: vscode.ExtensionContext): Promise<void> {
  if (context.globalState.get<boolean>(OFFERED_KEY) || process.env.LAMBDA_LAYERS_NO_WALKTHROUGH_OFFER) return;
  if (!vscode.workspace.getConfiguration('workbench.welcomePage').get<boolean>('walkthroughs.openOnInstall', true))
    return;
  await context.globalState.update(OFFERED_KEY, true);
  const open = vscode.l10n.t('Open Walkthrough');
  const choice = await vscode.window.showInformationMessage(
    vscode.l10n.t(
      'New to Lambda Layers? The walkthrough builds a layer from requirements.txt, publishes, attaches and test-invokes it in a few minutes, offline too.',
    ),
    open,
  );
  if (choice === open)
    await vscode.commands.executeCommand('workbench.action.openWalkthrough', walkthroughId(context), false);
}

/**
 * Ticks the Connect step as soon as a connection is ready. Its `onContext` completion event alone misses the
 * common case: VS Code registers an extension's walkthrough seconds after start, and a context that already
 * holds then is recorded as seen without ticking the step (VS Code 1.100). Marking the step stores its
 * progress even before the walkthrough is registered (VS Code then reports the unknown step, which is ignored).
 */
export function tickConnectStepWhenReady(
  context: vscode.ExtensionContext,
  connection: { readonly state: string; readonly onDidChange: vscode.Event<void> },
): vscode.Disposable {
  let ticked = false;
  const tick = () => {
    if (ticked || connection.state !== 'ready') return;
    ticked = true;
    void Promise.resolve(
      vscode.commands.executeCommand('welcome.markStepComplete', `${walkthroughId(context)}#connect`),
    ).catch(() => undefined);
  };
  tick();
  return connection.onDidChange(tick);
}
