import type { Log } from '../util/log';
import type { Invoker } from './invoker';
import type { Lifecycle } from './lifecycle';
import type { Store } from './store/store';

/** What every route needs: persistence, the state machine, the executor and the log. */
export interface SandboxContext {
  store: Store;
  lifecycle: Lifecycle;
  invoker: Invoker;
  log: Log;
}
