import type * as vscode from 'vscode';
import type { Services } from '../services';
import { registerCommand, type CommandHandler } from './commandWrapper';

/**
 * Every command of the extension, one line each; ids match `contributes.commands` in package.json. Each
 * handler's module (and what only it needs: the build engine, the SDK calls) loads when the command first
 * runs, so activation stays short (bench: `activate ms`).
 */
export function registerCommands(services: Services): vscode.Disposable[] {
  const lazy = (id: string, load: () => Promise<CommandHandler>) =>
    registerCommand(services, id, async (s: Services, ...args: unknown[]) => (await load())(s, ...args));
  return [
    lazy('lambdaLayers.refresh', async () => (await import('./refresh')).refresh),
    lazy('lambdaLayers.copyArn', async () => (await import('./copyArn')).copyArn),
    lazy('lambdaLayers.openInConsole', async () => (await import('./openInConsole')).openInConsole),
    lazy('lambdaLayers.switchConnection', async () => (await import('./switchConnection')).switchConnection),
    lazy('lambdaLayers.selectProfile', async () => (await import('./selectProfile')).selectProfile),
    lazy('lambdaLayers.selectRegion', async () => (await import('./selectRegion')).selectRegion),
    lazy('lambdaLayers.useLocalEndpoint', async () => (await import('./useLocalEndpoint')).useLocalEndpoint),
    lazy('lambdaLayers.openAwsConfigFile', async () => (await import('./openAwsConfigFile')).openAwsConfigFile),
    lazy('lambdaLayers.showLog', async () => (await import('./showLog')).showLog),
    lazy('lambdaLayers.loadMore', async () => (await import('./loadMore')).loadMore),
    lazy('lambdaLayers.revealFunction', async () => (await import('./revealFunction')).revealFunction),
    lazy('lambdaLayers.buildLayer', async () => (await import('./buildLayer')).buildLayerCommand),
    lazy('lambdaLayers.rebuildLayer', async () => (await import('./buildLayer')).rebuildLayerCommand),
    lazy('lambdaLayers.showBuildReport', async () => (await import('./showBuildReport')).showBuildReport),
    lazy('lambdaLayers.clearBuildCache', async () => (await import('./clearBuildCache')).clearBuildCache),
    lazy('lambdaLayers.publishLayer', async () => (await import('./publishLayer')).publishLayerCommand),
    lazy('lambdaLayers.attachLayerByArn', async () => (await import('./attachLayerByArn')).attachLayerByArn),
    lazy('lambdaLayers.attachLayer', async () => (await import('./layers/attachLayer')).attachLayer),
    lazy('lambdaLayers.detachLayer', async () => (await import('./layers/detachLayer')).detachLayer),
    lazy('lambdaLayers.moveLayerUp', async () => (await import('./layers/moveLayer')).moveLayerUp),
    lazy('lambdaLayers.moveLayerDown', async () => (await import('./layers/moveLayer')).moveLayerDown),
    lazy(
      'lambdaLayers.updateLayerToLatest',
      async () => (await import('./layers/updateLayerToLatest')).updateLayerToLatest,
    ),
    lazy(
      'lambdaLayers.updateAllFunctions',
      async () => (await import('./layers/updateAllFunctions')).updateAllFunctions,
    ),
    lazy(
      'lambdaLayers.deleteLayerVersion',
      async () => (await import('./layers/deleteLayerVersion')).deleteLayerVersion,
    ),
    lazy('lambdaLayers.shareLayerVersion', async () => (await import('./layers/shareLayerVersion')).shareLayerVersion),
    lazy(
      'lambdaLayers.revokeLayerPermission',
      async () => (await import('./layers/revokeLayerPermission')).revokeLayerPermission,
    ),
    lazy(
      'lambdaLayers.shareAllLayerVersions',
      async () => (await import('./layers/shareLayerVersion')).shareAllLayerVersions,
    ),
    lazy(
      'lambdaLayers.pruneLayerVersions',
      async () => (await import('./layers/pruneLayerVersions')).pruneLayerVersions,
    ),
    lazy('lambdaLayers.invokeFunction', async () => (await import('./invoke/invokeFunction')).invokeFunction),
    lazy('lambdaLayers.invokeLocally', async () => (await import('./invoke/invokeLocally')).invokeLocally),
    lazy('lambdaLayers.checkLayerImports', async () => (await import('./invoke/checkLayerImports')).checkLayerImports),
    lazy(
      'lambdaLayers.deleteProbeFunction',
      async () => (await import('./invoke/deleteProbeFunction')).deleteProbeFunction,
    ),
    lazy('lambdaLayers.createFunction', async () => (await import('./functions/createFunction')).createFunction),
    lazy(
      'lambdaLayers.createTutorialFunction',
      async () => (await import('./functions/createTutorialFunction')).createTutorialFunction,
    ),
    lazy('lambdaLayers.deployCode', async () => (await import('./functions/deployCode')).deployCode),
    lazy('lambdaLayers.deployAndInvoke', async () => (await import('./functions/deployCode')).deployAndInvoke),
    lazy('lambdaLayers.analyzeFunction', async () => (await import('./stack/analyzeFunction')).analyzeFunctionCommand),
    lazy('lambdaLayers.browseLayerFiles', async () => (await import('./stack/browseLayerFiles')).browseLayerFiles),
    lazy(
      'lambdaLayers.compareLayerVersions',
      async () => (await import('./stack/compareLayerVersions')).compareLayerVersions,
    ),
    lazy('lambdaLayers.selectScope', async () => (await import('./fleet/selectScope')).selectScope),
    lazy('lambdaLayers.showFleet', async () => (await import('./fleet/showFleet')).showFleet),
    lazy('lambdaLayers.refreshFleet', async () => (await import('./fleet/showFleet')).refreshFleet),
    lazy('lambdaLayers.publishToRegions', async () => (await import('./fleet/publishToRegions')).publishToRegions),
    lazy('lambdaLayers.rollOut', async () => (await import('./fleet/rollOut')).rollOut),
    lazy('lambdaLayers.openWalkthrough', async () => (await import('./openWalkthrough')).openWalkthrough),
  ];
}
