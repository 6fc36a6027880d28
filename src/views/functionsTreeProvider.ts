import * as vscode from 'vscode';
import type { ExplorerModel } from '../model/explorerModel';
import type { FunctionNode, ModelChange, ModelProgress } from '../model/nodes';
import { ExplorerTreeProvider } from './explorerTreeProvider';
import { FunctionItem } from './items/functionItem';

export class FunctionsTreeProvider extends ExplorerTreeProvider<FunctionNode, FunctionItem> {
  protected entries(model: ExplorerModel): readonly FunctionNode[] {
    return model.functions;
  }

  protected toItem(fn: FunctionNode, previous: FunctionItem | undefined): FunctionItem {
    if (!previous) return new FunctionItem(fn);
    previous.update(fn);
    return previous;
  }

  protected isComplete(progress: ModelProgress): boolean {
    return progress.functionsComplete;
  }

  protected loadingLabel(progress: ModelProgress): string {
    return vscode.l10n.t('Loading functions… ({0} so far)', progress.functions);
  }

  protected emptyLabel(region: string): string {
    return vscode.l10n.t('No functions in {0}', region);
  }

  protected affected(change: ModelChange, model: ExplorerModel): FunctionItem | undefined | null {
    if (change.kind === 'functions') return undefined;
    if (change.kind !== 'function') return null; // newer-version and external marks arrive as `functions`
    const item = this.shownItems.get(change.name);
    const fn = model.getFunction(change.name);
    if (!item) return null; // not displayed (yet): its root refresh will show it
    if (!fn) return undefined; // gone: the root drops it
    item.update(fn);
    return item;
  }
}
