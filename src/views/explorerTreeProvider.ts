import * as vscode from 'vscode';
import { toUserError } from '../aws/errors';
import type { ExplorerModel } from '../model/explorerModel';
import type { ModelChange, ModelProgress } from '../model/nodes';
import { errorMessage } from '../util/errors';
import type { Log } from '../util/log';
import type { ConnectionController } from '../vscode/connectionController';
import type { ExplorerHost } from '../vscode/explorerHost';
import { ExplorerItem, type TreeContext } from './items/explorerItem';
import { StatusItem } from './items/statusItem';
import { readPolicy } from '../ops/sharing';
import { PolicyCache, type PolicyRow } from './policyCache';

/** Root items shown at first and added per "Show more": VS Code renders thousands, but nobody scrolls them. */
const DISPLAY_PAGE = 500;

/**
 * Shared root behaviour of the two views: connection and load states as status nodes (or nothing, so
 * the welcome content shows), progressive display while pages arrive, and "Show more" past a page.
 * Subclasses say which model items are roots and which changes touch which element.
 */
export abstract class ExplorerTreeProvider<
  E extends { readonly name: string },
  T extends ExplorerItem & { readonly name: string; update(entry: E): void },
>
  implements vscode.TreeDataProvider<ExplorerItem>, vscode.Disposable
{
  private readonly changed = new vscode.EventEmitter<ExplorerItem | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  /** Root items last handed to VS Code, by name: targeted refreshes must pass the same objects. */
  private readonly shownItems = new Map<string, T>();
  private limit = DISPLAY_PAGE;
  private readonly detailsRequested = new Set<string>();
  private readonly subscriptions: vscode.Disposable[];
  /** Layer version policies shown under "Shared with", dropped on every reload. */
  private readonly policies: PolicyCache<PolicyRow & ExplorerItem>;
  /** Ends the view's progress bar, while one is shown. */
  private endProgress?: () => void;

  constructor(
    readonly viewId: string,
    protected readonly connection: ConnectionController,
    protected readonly explorer: ExplorerHost,
    private readonly log: Log,
  ) {
    this.policies = new PolicyCache(
      async (row) => readPolicy(this.connection.require().lambda, { layerName: row.layerName, version: row.version }),
      (error) => toUserError(error, this.connection.errorContext()).message,
      (row) => this.changed.fire(row),
    );
    this.subscriptions = [
      connection.onDidChange(() => {
        this.showProgressWhileBusy();
        this.refreshRoot();
      }),
      explorer.onDidChange((change) => this.onModelChange(change)),
    ];
  }

  /** The model changes that refresh the root, and those that name one root entry. */
  protected abstract readonly changeKinds: { readonly root: ModelChange['kind']; readonly entry: ModelChange['kind'] };
  /** The model's root entries for this view, in display order. */
  protected abstract entries(model: ExplorerModel): readonly E[];
  /** One root entry by name. */
  protected abstract entry(model: ExplorerModel, name: string): E | undefined;
  protected abstract createItem(entry: E): T;
  /** Whether the model has delivered all root entries of this view. */
  protected abstract isComplete(progress: ModelProgress): boolean;
  protected abstract loadingLabel(progress: ModelProgress): string;
  /** The row of an empty view; undefined leaves the view empty so its welcome content (viewsWelcome) shows. */
  protected abstract emptyLabel(region: string): string | undefined;

  getTreeItem(element: ExplorerItem): vscode.TreeItem {
    return element;
  }

  getParent(element: ExplorerItem): ExplorerItem | undefined {
    return element.parent;
  }

  getChildren(element?: ExplorerItem): ExplorerItem[] {
    const context = this.treeContext();
    if (element) return context ? element.getChildren(context) : [];
    return this.rootChildren(context);
  }

  /** Shows another page of root items. */
  showMore(): void {
    this.limit += DISPLAY_PAGE;
    this.refreshRoot();
  }

  /** The root item for `name`, widening the displayed range when needed (for `reveal`). */
  findRootItem(name: string): T | undefined {
    const model = this.explorer.model;
    if (!model) return undefined;
    const index = this.entries(model).findIndex((entry) => entry.name === name);
    if (index < 0) return undefined;
    if (index >= this.limit) {
      this.limit = index + 1;
      this.refreshRoot();
    }
    this.getChildren();
    return this.shownItems.get(name);
  }

  refreshRoot(): void {
    this.changed.fire(undefined);
  }

  /** After a grant or revoke: reloads that version's "Shared with" row, if it was shown. */
  policyChanged(layerVersionArn: string): void {
    this.policies.forget(layerVersionArn);
  }

  private rootChildren(context: TreeContext | undefined): ExplorerItem[] {
    const previous = new Map(this.shownItems);
    this.shownItems.clear();
    switch (this.connection.state) {
      case 'connecting':
        return [StatusItem.loading(this.viewId, vscode.l10n.t('Connecting…'))];
      case 'noCredentials':
      case 'expired':
        return []; // the view's welcome content explains what to do
      case 'failed':
        return [StatusItem.error(this.viewId, this.connection.problem ?? vscode.l10n.t('Not connected.'))];
      case 'ready':
        break;
    }
    if (!context) return [];
    this.explorer.ensureLoaded();
    const { model } = context;
    const all = this.entries(model);
    const shown = all.slice(0, this.limit).map((entry) => this.toItem(entry, previous.get(entry.name)));
    for (const item of shown) this.shownItems.set(item.name, item);
    const children: ExplorerItem[] = [...shown];
    if (all.length > shown.length) children.push(StatusItem.loadMore(this.viewId, all.length - shown.length));
    const state = model.state;
    if (state.status === 'error') {
      children.unshift(StatusItem.error(this.viewId, context.describeError(state.error)));
    } else if (!this.isComplete(model.progress)) {
      children.push(StatusItem.loading(this.viewId, this.loadingLabel(model.progress)));
    } else if (all.length === 0) {
      const label = this.emptyLabel(context.region);
      if (label) children.push(StatusItem.empty(this.viewId, label));
    }
    return children;
  }

  private onModelChange(change: ModelChange): void {
    const model = this.explorer.model;
    if (change.kind === 'state' || !model) {
      this.detailsRequested.clear();
      this.policies.forget();
      this.showProgressWhileBusy();
      this.refreshRoot();
      return;
    }
    const target = this.affected(change, model);
    if (target !== null) this.changed.fire(target);
  }

  /** Which element a model change touches: `undefined` = the root, `null` = nothing in this view. */
  private affected(change: ModelChange, model: ExplorerModel): T | undefined | null {
    if (change.kind === this.changeKinds.root) return undefined;
    if (change.kind !== this.changeKinds.entry || !('name' in change)) return null;
    const item = this.shownItems.get(change.name);
    const entry = this.entry(model, change.name);
    if (!item) return null; // not displayed (yet): its root refresh will show it
    if (!entry) return undefined; // gone: the root drops it
    item.update(entry);
    return item;
  }

  /** The item for an entry: the one VS Code already holds, updated, or a new one. */
  private toItem(entry: E, previous: T | undefined): T {
    if (!previous) return this.createItem(entry);
    previous.update(entry);
    return previous;
  }

  /** The view's progress bar while connecting or loading (the "Loading…" row may be scrolled out of sight). */
  private showProgressWhileBusy(): void {
    const busy = this.connection.state === 'connecting' || this.explorer.model?.state.status === 'loading';
    if (busy && !this.endProgress) {
      const done = new Promise<void>((resolve) => (this.endProgress = resolve));
      void vscode.window.withProgress({ location: { viewId: this.viewId } }, () => done);
    } else if (!busy && this.endProgress) {
      this.endProgress();
      this.endProgress = undefined;
    }
  }

  private treeContext(): TreeContext | undefined {
    const model = this.explorer.model;
    const live = this.connection.current;
    if (!model || !live) return undefined;
    return {
      model,
      region: live.settings.region,
      requestDetails: (layerName, version) => {
        const key = `${layerName}:${version}`;
        if (this.detailsRequested.has(key)) return;
        this.detailsRequested.add(key);
        model
          .loadVersionDetails(layerName, version)
          .catch((e: unknown) => this.log.warn(`Details of ${key}: ${errorMessage(e)}`));
      },
      policy: (row) => this.policies.get(row),
      describeError: (error) => toUserError(error, this.connection.errorContext()).message,
    };
  }

  dispose(): void {
    this.endProgress?.();
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }
}
