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
