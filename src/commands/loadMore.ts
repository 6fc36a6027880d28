import type { Services } from '../services';

/** From a "Show more" node: shows the next page of that view's items. */
export function loadMore(services: Services, viewId?: string): void {
  if (typeof viewId === 'string') services.views.provider(viewId)?.showMore();
}
