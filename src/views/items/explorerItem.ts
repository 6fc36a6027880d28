import * as vscode from 'vscode';
import type { ExplorerModel } from '../../model/explorerModel';
import type { PolicyRow, PolicyState } from '../policyCache';

/** What items need from their view to compute children: read fresh from the model, never from a snapshot. */
export interface TreeContext {
  readonly model: ExplorerModel;
  readonly region: string;
  /** Asks once for a version's size and hash (ListLayerVersions reports neither); the model fires a change when they arrive. */
  requestDetails(layerName: string, version: number): void;
  /** A layer version's policy, loaded on first ask; its row is refreshed when it arrives. */
  policy(row: PolicyRow & ExplorerItem): PolicyState;
  /** A failure as the user should read it. */
  describeError(error: unknown): string;
}

/**
 * Base of every node in the explorer views. A node is a TreeItem (what VS Code shows) plus its parent,
 * so `TreeView.reveal` works, and its children, computed on demand from the current model.
 */
export abstract class ExplorerItem extends vscode.TreeItem {
  constructor(
    label: string,
    collapsibleState: vscode.TreeItemCollapsibleState,
    readonly parent: ExplorerItem | undefined,
  ) {
    super(label, collapsibleState);
  }

  getChildren(_context: TreeContext): ExplorerItem[] {
    return [];
  }
}
