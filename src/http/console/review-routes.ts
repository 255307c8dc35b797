/** The Security Health Review page. */
import type { ConsoleDeps, ConsoleRouter } from './console-context.js';
import { html } from './html.js';
import { layout } from './layout.js';

export function registerReviewRoutes(router: ConsoleRouter, deps: ConsoleDeps): void {
  router.page('/review', async ({ chrome }) => {
    if (!deps.review) {
      return layout({ title: 'Security Health Review', admin: chrome, section: 'review' }, html`<p>The review is not available on this server.</p>`);
    }
    return layout({ title: 'Security Health Review', admin: chrome, section: 'review' }, html`<p>Coming soon.</p>`);
  });
}
