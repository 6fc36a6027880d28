import type * as vscode from 'vscode';
import type { Services } from '../services';
import { attachLayerByArn } from './attachLayerByArn';
import { buildLayerCommand, rebuildLayerCommand } from './buildLayer';
import { registerCommand } from './commandWrapper';
import { copyArn } from './copyArn';
import { createFunction } from './functions/createFunction';
import { createTutorialFunction } from './functions/createTutorialFunction';
import { deployAndInvoke, deployCode } from './functions/deployCode';
import { checkLayerImports } from './invoke/checkLayerImports';
import { deleteProbeFunction } from './invoke/deleteProbeFunction';
import { invokeFunction } from './invoke/invokeFunction';
import { invokeLocally } from './invoke/invokeLocally';
import { attachLayer } from './layers/attachLayer';
import { deleteLayerVersion } from './layers/deleteLayerVersion';
import { detachLayer } from './layers/detachLayer';
import { moveLayerDown, moveLayerUp } from './layers/moveLayer';
import { pruneLayerVersions } from './layers/pruneLayerVersions';
import { revokeLayerPermission } from './layers/revokeLayerPermission';
import { shareAllLayerVersions, shareLayerVersion } from './layers/shareLayerVersion';
import { updateAllFunctions } from './layers/updateAllFunctions';
import { updateLayerToLatest } from './layers/updateLayerToLatest';
import { loadMore } from './loadMore';
import { openAwsConfigFile } from './openAwsConfigFile';
import { openInConsole } from './openInConsole';
import { publishLayerCommand } from './publishLayer';
import { refresh } from './refresh';
import { revealFunction } from './revealFunction';
import { selectProfile } from './selectProfile';
import { selectRegion } from './selectRegion';
import { showBuildReport } from './showBuildReport';
import { showLog } from './showLog';
import { analyzeFunctionCommand } from './stack/analyzeFunction';
import { browseLayerFiles } from './stack/browseLayerFiles';
import { compareLayerVersions } from './stack/compareLayerVersions';
import { switchConnection } from './switchConnection';
import { useLocalEndpoint } from './useLocalEndpoint';

/** Every command of the extension, one line each; ids match `contributes.commands` in package.json. */
export function registerCommands(services: Services): vscode.Disposable[] {
  return [
    registerCommand(services, 'lambdaLayers.refresh', refresh),
    registerCommand(services, 'lambdaLayers.copyArn', copyArn),
    registerCommand(services, 'lambdaLayers.openInConsole', openInConsole),
    registerCommand(services, 'lambdaLayers.switchConnection', switchConnection),
    registerCommand(services, 'lambdaLayers.selectProfile', selectProfile),
    registerCommand(services, 'lambdaLayers.selectRegion', selectRegion),
    registerCommand(services, 'lambdaLayers.useLocalEndpoint', useLocalEndpoint),
    registerCommand(services, 'lambdaLayers.openAwsConfigFile', openAwsConfigFile),
    registerCommand(services, 'lambdaLayers.showLog', showLog),
    registerCommand(services, 'lambdaLayers.loadMore', loadMore),
    registerCommand(services, 'lambdaLayers.revealFunction', revealFunction),
    registerCommand(services, 'lambdaLayers.buildLayer', buildLayerCommand),
    registerCommand(services, 'lambdaLayers.rebuildLayer', rebuildLayerCommand),
    registerCommand(services, 'lambdaLayers.showBuildReport', showBuildReport),
    registerCommand(services, 'lambdaLayers.publishLayer', publishLayerCommand),
    registerCommand(services, 'lambdaLayers.attachLayerByArn', attachLayerByArn),
    registerCommand(services, 'lambdaLayers.attachLayer', attachLayer),
    registerCommand(services, 'lambdaLayers.detachLayer', detachLayer),
    registerCommand(services, 'lambdaLayers.moveLayerUp', moveLayerUp),
    registerCommand(services, 'lambdaLayers.moveLayerDown', moveLayerDown),
    registerCommand(services, 'lambdaLayers.updateLayerToLatest', updateLayerToLatest),
    registerCommand(services, 'lambdaLayers.updateAllFunctions', updateAllFunctions),
    registerCommand(services, 'lambdaLayers.deleteLayerVersion', deleteLayerVersion),
    registerCommand(services, 'lambdaLayers.shareLayerVersion', shareLayerVersion),
    registerCommand(services, 'lambdaLayers.revokeLayerPermission', revokeLayerPermission),
    registerCommand(services, 'lambdaLayers.shareAllLayerVersions', shareAllLayerVersions),
    registerCommand(services, 'lambdaLayers.pruneLayerVersions', pruneLayerVersions),
    registerCommand(services, 'lambdaLayers.invokeFunction', invokeFunction),
    registerCommand(services, 'lambdaLayers.invokeLocally', invokeLocally),
    registerCommand(services, 'lambdaLayers.checkLayerImports', checkLayerImports),
    registerCommand(services, 'lambdaLayers.deleteProbeFunction', deleteProbeFunction),
    registerCommand(services, 'lambdaLayers.createFunction', createFunction),
    registerCommand(services, 'lambdaLayers.createTutorialFunction', createTutorialFunction),
    registerCommand(services, 'lambdaLayers.deployCode', deployCode),
    registerCommand(services, 'lambdaLayers.deployAndInvoke', deployAndInvoke),
    registerCommand(services, 'lambdaLayers.analyzeFunction', analyzeFunctionCommand),
    registerCommand(services, 'lambdaLayers.browseLayerFiles', browseLayerFiles),
    registerCommand(services, 'lambdaLayers.compareLayerVersions', compareLayerVersions),
  ];
}
