// The first run on an empty local endpoint: the Functions view's welcome offers the tutorial's function; the
// button writes and opens its handler and creates testFlaskLayer. Then the edit-run loop: the handler is edited
// and the editor title's "Deploy and Invoke" deploys it (no question: the folder is remembered) and shows the
// result page with the new answer. Screenshots of both are kept for people to look at.
import type { UiContext } from '../lib/ui';
import { textsFor } from './journey/texts';
import { createTutorialFunction, deployAndInvokeEdit } from './journey/tutorial';

const EDITED = `def lambda_handler(event, context):
    return {"edited": True}
`;

export default async function createDeploy(ui: UiContext): Promise<void> {
  const tx = textsFor(ui.locale);
  await createTutorialFunction(ui, tx);
  await ui.screenshot('created');
  await deployAndInvokeEdit(ui, tx, EDITED, '"edited"', '"edited": true');
  await ui.screenshot('deployed-and-invoked');
}
