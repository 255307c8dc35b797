/** Sign-in: the password form, then (for users who require it) the TOTP code. */
import { html, type SafeHtml } from '../html.js';
import { csrfField, layout, textField } from '../layout.js';

export function signInPage(options: { csrfToken: string; username?: string; error?: string | null; notice?: string | null; warning?: string | null }): SafeHtml {
  return layout(
    {
      title: 'Sign in',
      notice: options.error
        ? { kind: 'error', text: options.error }
        : options.warning
          ? { kind: 'warn', text: options.warning }
          : options.notice
            ? { kind: 'ok', text: options.notice }
            : null,
    },
    html`<section class="card sign-in" aria-label="Sign in to the Keygate Console">
<form method="post" action="/console/sign-in">
${csrfField(options.csrfToken)}
${textField({ id: 'username', label: 'Username', value: options.username ?? '', required: true, autocomplete: 'username' })}
${textField({ id: 'password', label: 'Password', type: 'password', required: true, autocomplete: 'current-password' })}
<button type="submit">Log in</button>
</form>
<p class="hint">For users holding the ManageUsers permission. Five failed attempts lock the account for 15 minutes.</p>
</section>`,
  );
}

export function secondFactorPage(options: { csrfToken: string; error?: string | null }): SafeHtml {
  return layout(
    { title: 'Verification code', notice: options.error ? { kind: 'error', text: options.error } : null },
    html`<section class="card sign-in" aria-label="Second factor">
<form method="post" action="/console/sign-in/verify">
${csrfField(options.csrfToken)}
${textField({ id: 'code', label: 'Verification code', hint: 'The six-digit code your authenticator app shows for Keygate.', required: true, autocomplete: 'one-time-code' })}
<button type="submit">Verify</button>
</form>
</section>`,
  );
}
