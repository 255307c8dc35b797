/**
 * The confirmation page the console shows before a change that weakens or cuts something off
 * (an app's consumer secret or certificate, a user's second factor). Works without JavaScript:
 * its form posts to the change's own address with {@link CONFIRM_FIELD}; Cancel is a link back.
 */
import { CONFIRM_FIELD } from '../forms.js';
import { html, type SafeHtml } from '../html.js';
import { csrfField, layout, type Section } from '../layout.js';
import type { AdminChrome } from './app-pages.js';

export interface Confirmation {
  readonly title: string;
  /** The change's address: GET shows this page, POST with {@link CONFIRM_FIELD} makes the change. */
  readonly action: string;
  readonly button: string;
  readonly consequences: SafeHtml;
}

export function confirmPage(options: { admin: AdminChrome; section: Section; crumbs: SafeHtml; cancel: string; confirmation: Confirmation }): SafeHtml {
  const { admin, confirmation } = options;
  return layout(
    { title: confirmation.title, admin, section: options.section, crumbs: options.crumbs },
    html`<section class="card" aria-label="Confirm">
${confirmation.consequences}
<form method="post" action="${confirmation.action}">
${csrfField(admin.csrfToken)}<input type="hidden" name="${CONFIRM_FIELD.name}" value="${CONFIRM_FIELD.value}">
<div class="actions"><button type="submit" class="danger">${confirmation.button}</button><a href="${options.cancel}">Cancel</a></div>
</form>
</section>`,
  );
}
