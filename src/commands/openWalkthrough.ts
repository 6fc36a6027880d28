import * as vscode from 'vscode';
import type { Services } from '../services';
import { walkthroughId } from '../vscode/walkthrough';

/** "Get Started with Lambda Layers" from the Command Palette and the empty Layers view. */
export async function openWalkthrough(services: Services): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.openWalkthrough', walkthroughId(services.context), false);
}
