import * as vscode from 'vscode';
import type { ExplorerModel } from '../model/explorerModel';
import type { FunctionNode, ModelProgress } from '../model/nodes';
import { ExplorerTreeProvider } from './explorerTreeProvider';
import { FunctionItem } from './items/functionItem';

export class FunctionsTreeProvider extends ExplorerTreeProvider<FunctionNode, FunctionItem> {
  /** Newer-version and external marks arrive as `functions`. */
  protected readonly changeKinds = { root: 'functions', entry: 'function' } as const;

  protected entries(model: ExplorerModel): readonly FunctionNode[] {
    return model.functions;
  }

  protected entry(model: ExplorerModel, name: string): FunctionNode | undefined {
    return model.getFunction(name);
  }

  protected createItem(fn: FunctionNode): FunctionItem {
    return new FunctionItem(fn);
  }

  protected isComplete(progress: ModelProgress): boolean {
    return progress.functionsComplete;
  }

  protected loadingLabel(progress: ModelProgress): string {
    return vscode.l10n.t('Loading functions… ({0} so far)', progress.functions);
  }

  /** None: the view's welcome content says there are no functions and offers to create one. */
  protected emptyLabel(): undefined {
    return undefined;
  }
}
