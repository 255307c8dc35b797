/** The console's page shell and the small pieces every page repeats: notices, fields, dates. */
import { html, type HtmlValue, type SafeHtml } from './html.js';

export type Section = 'apps' | 'users' | 'history' | 'review' | 'org';

export interface PageChrome {
  readonly title: string;
  /** The signed-in administrator; absent on the sign-in pages. */
  readonly admin?: { readonly username: string; readonly csrfToken: string };
  readonly section?: Section;
  /** Small trail above the heading. */
  readonly crumbs?: SafeHtml;
  readonly notice?: Notice | null;
}

export interface Notice {
  readonly kind: 'ok' | 'error' | 'warn';
  readonly text: HtmlValue;
}

const NAV: ReadonlyArray<{ section: Section; href: string; label: string }> = [
  { section: 'apps', href: '/console/apps', label: 'External Client Apps' },
  { section: 'users', href: '/console/users', label: 'Users' },
  { section: 'history', href: '/console/login-history', label: 'Login History' },
  { section: 'review', href: '/console/review', label: 'Security Health Review' },
  { section: 'org', href: '/console/org', label: 'Org Settings' },
];

export function csrfField(token: string): SafeHtml {
  return html`<input type="hidden" name="csrf_token" value="${token}">`;
}

export function renderNotice(notice: Notice | null | undefined): SafeHtml {
  if (!notice) return html``;
  return html`<div class="notice ${notice.kind}" role="${notice.kind === 'error' ? 'alert' : 'status'}">${notice.text}</div>`;
}

export function layout(chrome: PageChrome, body: SafeHtml): SafeHtml {
  const nav = chrome.admin
    ? html`<nav aria-label="Console"><ul>${NAV.map(
        (n) => html`<li><a href="${n.href}"${n.section === chrome.section ? html` aria-current="page"` : ''}>${n.label}</a></li>`,
      )}</ul></nav>
      <form class="who" method="post" action="/console/sign-out">${csrfField(chrome.admin.csrfToken)}<span>${chrome.admin.username}</span><button type="submit">Sign out</button></form>`
    : '';
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${chrome.title} · Keygate Console</title>
<link rel="icon" href="/console/assets/icon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/console/assets/console.css">
<script src="/console/assets/console.js" defer></script>
</head>
<body>
<header class="top"><a class="skip" href="#main">Skip to content</a><a class="brand" href="/console/apps">Keygate Console</a>${nav}</header>
<main id="main">
${chrome.crumbs ? html`<p class="crumbs">${chrome.crumbs}</p>` : ''}
<h1>${chrome.title}</h1>
${renderNotice(chrome.notice)}
${body}
</main>
</body>
</html>`;
}

/** A labelled text-like input with an optional hint and error, wired with aria-describedby. */
export function textField(options: {
  id: string;
  /** The form field's name when it differs from the id (repeated forms on one page). */
  name?: string;
  label: string;
  value?: string | number | null;
  type?: 'text' | 'password' | 'email' | 'number' | 'datetime-local' | 'date';
  hint?: string;
  error?: string | null;
  required?: boolean;
  autocomplete?: string;
  min?: number;
  max?: number;
  multiline?: boolean;
}): SafeHtml {
  const hintId = `${options.id}-hint`;
  const errorId = `${options.id}-error`;
  const described = [options.hint ? hintId : '', options.error ? errorId : ''].filter(Boolean).join(' ');
  const common = html` id="${options.id}" name="${options.name ?? options.id}"${described ? html` aria-describedby="${described}"` : ''}${
    options.error ? html` aria-invalid="true"` : ''
  }${options.required ? html` required` : ''}${options.autocomplete ? html` autocomplete="${options.autocomplete}"` : ''}`;
  const control = options.multiline
    ? html`<textarea${common}>${options.value ?? ''}</textarea>`
    : html`<input type="${options.type ?? 'text'}"${common} value="${options.value ?? ''}"${
        options.min !== undefined ? html` min="${options.min}"` : ''
      }${options.max !== undefined ? html` max="${options.max}"` : ''}>`;
  return html`<div class="field"><label for="${options.id}">${options.label}</label>${
    options.hint ? html`<span class="hint" id="${hintId}">${options.hint}</span>` : ''
  }${options.error ? html`<span class="field-error" id="${errorId}">${options.error}</span>` : ''}${control}</div>`;
}

export function checkbox(options: { id: string; label: string; checked: boolean; value?: string; hint?: string }): SafeHtml {
  const hintId = `${options.id}-hint`;
  // The hint sits outside the label so that the accessible name is the label alone.
  return html`<div class="check"><input type="checkbox" id="${options.id}" name="${options.id}" value="${options.value ?? 'on'}"${
    options.checked ? html` checked` : ''
  }${options.hint ? html` aria-describedby="${hintId}"` : ''}><div><label for="${options.id}">${options.label}</label>${
    options.hint ? html`<span class="hint" id="${hintId}">${options.hint}</span>` : ''
  }</div></div>`;
}

export function selectField(options: {
  id: string;
  label: string;
  value: string;
  choices: ReadonlyArray<{ value: string; label: string }>;
  hint?: string;
}): SafeHtml {
  const hintId = `${options.id}-hint`;
  return html`<div class="field"><label for="${options.id}">${options.label}</label>${
    options.hint ? html`<span class="hint" id="${hintId}">${options.hint}</span>` : ''
  }<select id="${options.id}" name="${options.id}"${options.hint ? html` aria-describedby="${hintId}"` : ''}>${options.choices.map(
    (c) => html`<option value="${c.value}"${c.value === options.value ? html` selected` : ''}>${c.label}</option>`,
  )}</select></div>`;
}

/** `2025-03-01 14:02 UTC`: one zone everywhere, so that what the history shows matches its filters. */
export function formatTime(at: Date): string {
  return `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function formatDate(at: Date): string {
  return at.toISOString().slice(0, 10);
}

export function pill(kind: 'ok' | 'bad' | 'warn' | 'muted', text: string): SafeHtml {
  return html`<span class="pill ${kind}">${text}</span>`;
}
