// Drives the VS Code web workbench through Playwright. Selectors target VS Code 1.100's DOM (code-server
// 4.100.3); UI flows use these helpers instead of raw selectors so a VS Code update is fixed in one place.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { SCREENSHOT_DIR } from './paths';

type Text = string | RegExp;

/** A quick pick entry's label; its detail line is a second row with its own .label-name. */
const QUICK_PICK_LABEL = '.quick-input-list-rows > .quick-input-list-row:first-child .label-name';

/** The page URL that opens `folder` with extra workbench arguments (extensionDevelopmentPath and so on). */
export function workbenchUrl(serverUrl: string, folder: string, payload: [string, string][]): string {
  const query = `folder=${encodeURIComponent(folder)}`;
  return payload.length === 0
    ? `${serverUrl}?${query}`
    : `${serverUrl}?${query}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

/** `vscode-remote://` URI for a path on the code-server machine, as the payload arguments expect. */
export function remoteUri(serverUrl: string, absPath: string): string {
  return `vscode-remote://${new URL(serverUrl).host}${absPath}`;
}

export class Workbench {
  constructor(
    readonly page: Page,
    private readonly screenshotDir = SCREENSHOT_DIR,
  ) {}

  /** Waits until the workbench is laid out and the (development) extensions are registered. */
  async waitReady(timeoutMs = 90_000): Promise<void> {
    await this.page.locator('.monaco-workbench .part.activitybar').waitFor({ timeout: timeoutMs });
    await this.page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout: timeoutMs });
  }

  /** The activity-bar tab of a contributed view container, by the container's id (locale independent). */
  activityBarItem(containerId: string): Locator {
    return this.page.locator(
      `.part.activitybar li.action-item:has(> a.action-label[class*="activity-workbench-view-extension-${containerId}-"])`,
    );
  }

  /** Opens a view container in the side bar (no-op when it is already open) and returns the side bar. */
  async openViewContainer(containerId = 'lambdaLayers', timeoutMs = 30_000): Promise<Locator> {
    const tab = this.activityBarItem(containerId);
    await tab.waitFor({ timeout: timeoutMs });
    if ((await tab.getAttribute('aria-expanded')) !== 'true') await tab.click();
    await this.page
      .locator(`.part.sidebar .composite[id="workbench.view.extension.${containerId}"]`)
      .waitFor({ timeout: timeoutMs });
    await this.page.mouse.move(800, 400); // off the activity bar, so its hover tooltip is not in screenshots
    return this.sideBar();
  }

  sideBar(): Locator {
    return this.page.locator('.part.sidebar');
  }

  /** A view (pane) in the side bar, by the title its header shows, e.g. 'Layers'. */
  view(title: Text): Locator {
    const header = this.page.locator('.pane-header', { has: this.page.locator('h3.title', { hasText: exact(title) }) });
    return this.sideBar().locator('.pane', { has: header });
  }

  /** Expands a collapsed view pane and returns it. */
  async expandView(title: Text): Promise<Locator> {
    const pane = this.view(title);
    const header = pane.locator('.pane-header');
    if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
    await pane.locator('.pane-body').waitFor();
    return pane;
  }

  /**
   * Waits until a view shows settled content from its extension: tree rows or welcome content (not the
   * "no data provider" placeholder shown until the extension activates), no spinning row icon (a
   * "Loading…" node) and no running progress bar.
   */
  async waitForViewContent(view: Locator, timeoutMs = 30_000): Promise<void> {
    await view
      .locator('.pane-body .monaco-list-row, .pane-body .welcome-view-content')
      .first()
      .waitFor({ timeout: timeoutMs });
    await view.locator('.pane-body .codicon-modifier-spin').first().waitFor({ state: 'detached', timeout: timeoutMs });
    await view.locator('.monaco-progress-container.active').first().waitFor({ state: 'detached', timeout: timeoutMs });
  }

  /** A row of a tree or list, by its label (the first line of the row), within `scope` (default: side bar). */
  treeItem(label: Text, scope: Locator = this.sideBar()): Locator {
    return scope.locator('.monaco-list-row', { has: this.page.locator('.label-name', { hasText: exact(label) }) });
  }

  /** Expands a tree row (no-op when expanded) and returns it. */
  async expandTreeItem(label: Text, scope?: Locator): Promise<Locator> {
    const row = this.treeItem(label, scope);
    await row.waitFor();
    if ((await row.getAttribute('aria-expanded')) === 'false') await row.locator('.monaco-tl-twistie').click();
    return row;
  }

  /**
   * Right-clicks `target` and picks `item` from the context menu. Tries again (up to 4 times) when the menu does
   * not open (a tree refreshing under the click re-renders the row and closes it), when the item is missing or
   * when the menu stays open: right after start-up a menu may open before the extension's menu contributions are
   * registered.
   */
  async contextMenu(target: Locator, item: Text): Promise<void> {
    const menu = this.page.locator('.context-view .monaco-menu');
    for (let attempt = 1; ; attempt++) {
      await target.click({ button: 'right' });
      try {
        await menu.waitFor({ timeout: 5000 });
        const entry = menu.locator('.action-item a.action-menu-item', {
          has: this.page.locator('.action-label', { hasText: exact(item) }),
        });
        // A click right after the menu opened is sometimes dropped; hovering first focuses the entry, Enter runs it.
        await entry.hover({ timeout: 5000 });
        await this.page.waitForTimeout(150);
        await this.page.keyboard.press('Enter');
        await menu.waitFor({ state: 'detached', timeout: 3000 });
        return;
      } catch (error) {
        if (attempt === 4) throw error;
        await this.page.keyboard.press('Escape');
        await menu.waitFor({ state: 'detached' });
      }
    }
  }

  /** The titles of the context menu entries of `target` (the menu is closed again). */
  async contextMenuItems(target: Locator): Promise<string[]> {
    await target.click({ button: 'right' });
    const menu = this.page.locator('.context-view .monaco-menu');
    await menu.waitFor();
    const labels = await menu.locator('.action-item a.action-menu-item .action-label').allInnerTexts();
    await this.page.keyboard.press('Escape');
    return labels.map((l) => l.trim()).filter(Boolean);
  }

  /**
   * Clicks an icon action by its title: in a view's title bar (`scope` = a view) or a tree row's inline actions
   * (`scope` = a row). Hovering first reveals actions that only show on hover.
   */
  async clickAction(scope: Locator, title: string): Promise<void> {
    await scope.hover();
    const quoted = JSON.stringify(title);
    const withKey = JSON.stringify(`${title} (`); // titles of bound commands end in ' (Ctrl+…)'
    await scope
      .locator(`.actions a.action-label[aria-label=${quoted}], .actions a.action-label[aria-label^=${withKey}]`)
      .first()
      .click();
  }

  /** Runs a command from the command palette by its full title, e.g. 'Lambda Layers: Refresh'. */
  async runCommand(title: string): Promise<void> {
    const input = this.quickInput().locator('input');
    // A webview that is (re)loading can take the focus right after the palette opened, which closes it: open
    // it again then (the failure is the palette's own input going hidden, not a slow machine).
    for (let attempt = 1; ; attempt++) {
      try {
        await this.page.keyboard.press('F1');
        await input.waitFor({ timeout: 10_000 });
        await input.fill(`>${title}`, { timeout: 10_000 });
        break;
      } catch (e) {
        if (attempt === 3) throw e;
      }
    }
    await this.quickPick(title);
  }

  /** The quick input widget (command palette, quick picks, input boxes). */
  quickInput(): Locator {
    return this.page.locator('.quick-input-widget');
  }

  /** Picks the entry labelled `label` (its first line, not the detail line) in the open quick pick. */
  async quickPick(label: Text): Promise<void> {
    const row = this.quickInput().locator('.monaco-list-row', {
      has: this.page.locator(QUICK_PICK_LABEL, { hasText: exact(label) }),
    });
    await row.first().click();
  }

  /** Whether the open quick pick shows an entry labelled `label` within `timeoutMs` (false once it is hidden). */
  async quickPickShows(label: Text, timeoutMs: number): Promise<boolean> {
    const row = this.quickInput().locator('.monaco-list-row', {
      has: this.page.locator(QUICK_PICK_LABEL, { hasText: exact(label) }),
    });
    return row
      .first()
      .waitFor({ state: 'visible', timeout: timeoutMs })
      .then(() => true)
      .catch(() => false);
  }

  /** The labels currently offered by the open quick pick. */
  async quickPickItems(): Promise<string[]> {
    const list = this.quickInput().locator(`.monaco-list-row ${QUICK_PICK_LABEL}`);
    await list.first().waitFor();
    return (await list.allInnerTexts()).map((l) => l.trim());
  }

  /** Types into the open quick input / input box and, unless `submit` is false, presses Enter. */
  async quickInputType(text: string, submit = true): Promise<void> {
    const input = this.quickInput().locator('input');
    await input.waitFor();
    // Submitting answers an input box. Right after a pick, the picker's own filter field is still showing for a
    // moment: typing there is lost and Enter then accepts the input box's prefilled value. An input box shows
    // no list rows, so wait for the picker's rows to go first.
    if (submit)
      await this.quickInput().locator('.quick-input-list .monaco-list-row').first().waitFor({ state: 'hidden' });
    await input.fill(text);
    if (submit) await input.press('Enter');
  }

  /** The validation message an input box shows under the field, if any. */
  async quickInputMessage(): Promise<string> {
    return (await this.quickInput().locator('.quick-input-message').innerText()).trim();
  }

  /** Notification toasts (visible ones). */
  notifications(): Locator {
    return this.page.locator('.notifications-toasts .notification-toast');
  }

  /** Waits for a toast whose message matches `text` and returns it. */
  async waitForNotification(text: Text, timeoutMs = 30_000): Promise<Locator> {
    const toast = this.notifications()
      .filter({ has: this.page.locator('.notification-list-item-message', { hasText: text }) })
      .first();
    await toast.waitFor({ timeout: timeoutMs });
    return toast;
  }

  /**
   * Waits for a toast matching `text` as long as a long task makes progress: the messages of the progress
   * notifications showing (e.g. a build's "Installing…", "Zipping 412 files") must change at least every
   * `stallMs`. A slow machine then only makes the wait longer; a task that hangs fails after `stallMs`, naming
   * the step it hung in. The flow's own time limit still bounds the whole wait.
   */
  async waitForNotificationWhileProgressing(
    text: Text,
    stallMs: number,
  ): Promise<{ toast: Locator; longestStepMs: number }> {
    const toast = this.notifications()
      .filter({ has: this.page.locator('.notification-list-item-message', { hasText: text }) })
      .first();
    const progress = this.notifications()
      .filter({ has: this.page.locator('.monaco-progress-container.active') })
      .locator('.notification-list-item-message');
    let last = '';
    let changedAt = Date.now();
    let longestStepMs = 0;
    for (;;) {
      if (await toast.isVisible()) return { toast, longestStepMs: Math.max(longestStepMs, Date.now() - changedAt) };
      const now = (await progress.allInnerTexts().catch(() => [])).join(' | ');
      if (now !== last) {
        longestStepMs = Math.max(longestStepMs, Date.now() - changedAt);
        last = now;
        changedAt = Date.now();
      } else if (Date.now() - changedAt > stallMs) {
        throw new Error(
          `no progress for ${stallMs} ms while waiting for ${String(text)}; last progress: ${last || '(none shown)'}`,
        );
      }
      await toast.waitFor({ timeout: 500 }).catch(() => undefined);
    }
  }

  /** Clicks a button (e.g. 'Retry', 'Open') on a notification toast. */
  async clickNotificationButton(toast: Locator, label: Text): Promise<void> {
    await toast.locator('.notification-list-item-buttons-container a.monaco-button', { hasText: exact(label) }).click();
  }

  /** Closes all notification toasts. */
  async clearNotifications(): Promise<void> {
    await this.runCommand('Notifications: Clear All Notifications');
  }

  /** A modal dialog (errors of commands, `showWarningMessage(…, { modal: true })`). */
  dialog(): Locator {
    return this.page.locator('.monaco-dialog-box');
  }

  /** The message and detail text of the open modal dialog. */
  async dialogText(): Promise<string> {
    await this.dialog().waitFor();
    return (await this.dialog().locator('.dialog-message-row').innerText()).trim();
  }

  /** Clicks a button of the open modal dialog, e.g. 'OK', 'Delete', 'Cancel'. */
  async clickDialogButton(label: Text): Promise<void> {
    await this.dialog()
      .locator('.dialog-buttons a.monaco-button', { hasText: exact(label) })
      .click();
    await this.dialog().waitFor({ state: 'detached' });
  }

  /** Opens a workspace file through Quick Open, by its path relative to the workspace folder. */
  async openFile(relativePath: string): Promise<Locator> {
    await this.page.keyboard.press('Control+P');
    await this.quickInputType(relativePath, false);
    await this.quickInput().locator('.monaco-list-row').first().waitFor();
    await this.page.keyboard.press('Enter');
    return this.activeEditor();
  }

  /** The active editor's text area (Monaco). */
  activeEditor(): Locator {
    return this.page.locator('.part.editor .editor-group-container.active .monaco-editor').first();
  }

  /** The title of the active editor tab. */
  async activeEditorTitle(): Promise<string> {
    return (
      await this.page.locator('.part.editor .editor-group-container.active .tab.active .label-name').innerText()
    ).trim();
  }

  /** The content frame of the active webview (a webview's HTML lives two iframes deep). */
  activeWebview(): FrameLocator {
    return this.page.frameLocator('.webview.ready').last().frameLocator('#active-frame');
  }

  /** Status bar entry whose text matches. */
  statusBarItem(text: Text): Locator {
    return this.page.locator('.part.statusbar .statusbar-item', { hasText: text });
  }

  /** Saves a PNG of the whole window to .test-output/screenshots/<name>.png and returns its path. */
  async screenshot(name: string): Promise<string> {
    fs.mkdirSync(this.screenshotDir, { recursive: true });
    const file = path.join(this.screenshotDir, `${name.replace(/[^\w.-]+/g, '_')}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }
}

/** Strings match a label exactly (trimmed); regular expressions as given. */
function exact(text: Text): RegExp {
  return typeof text === 'string' ? new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`) : text;
}
