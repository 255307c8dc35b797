/**
 * The console's only static files: one stylesheet, one small script and the icon. They live
 * in code (no front-end build, nothing to copy into dist/) and are served from
 * /console/assets/, so the Content-Security-Policy can forbid inline script and style outright.
 *
 * The script only enhances: it reveals and wires the copy button beside a consumer secret,
 * and sends each form once (a double-click does not repeat the write). Every form works
 * without it.
 */

export const CONSOLE_CSS = `
:root { --ink: #1b1f24; --muted: #4a5563; --line: #d4d9e0; --bg: #f5f7fa; --card: #ffffff;
  --brand: #0b5cab; --brand-dark: #084a8a; --ok: #1e6b34; --ok-bg: #e5f4e9; --bad: #a31b1b; --bad-bg: #fbeaea;
  --warn: #7a4d00; --warn-bg: #fff4dc; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
a { color: var(--brand); }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, textarea:focus-visible { outline: 3px solid #f0a500; outline-offset: 2px; }
.skip { position: absolute; left: -999px; top: 0; background: #fff; padding: .5rem 1rem; }
.skip:focus { left: 1rem; z-index: 10; }
.top { display: flex; align-items: center; gap: 1.5rem; padding: .6rem 1.5rem; background: #032d60; color: #fff; flex-wrap: wrap; }
.top a { color: #fff; text-decoration: none; }
.brand { font-weight: 700; font-size: 1.1rem; letter-spacing: .02em; }
.top nav ul { list-style: none; display: flex; gap: 1.2rem; margin: 0; padding: 0; flex-wrap: wrap; }
.top nav a[aria-current="page"] { text-decoration: underline; text-underline-offset: 6px; text-decoration-thickness: 2px; }
.who { margin-left: auto; display: flex; align-items: center; gap: .75rem; }
.who button { background: transparent; color: #fff; border: 1px solid #9fb8d8; }
main { max-width: 1120px; margin: 0 auto; padding: 1.5rem; }
h1 { font-size: 1.6rem; margin: .25rem 0 1rem; }
h2 { font-size: 1.2rem; margin: 0 0 .75rem; }
.crumbs { font-size: .9rem; margin: 0; color: var(--muted); }
section.card, .card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 1.1rem 1.25rem; margin: 0 0 1.25rem; }
.card-head { display: flex; justify-content: space-between; align-items: center; gap: 1rem; flex-wrap: wrap; margin-bottom: .5rem; }
.card-head h2 { margin: 0; }
table { width: 100%; border-collapse: collapse; background: var(--card); }
th, td { text-align: left; padding: .5rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: .85rem; color: var(--muted); font-weight: 600; }
/* .hint's display: block would turn a caption into a row of the table, between its head and body. */
caption.hint { display: table-caption; caption-side: bottom; text-align: left; margin: 0; padding: .5rem .6rem 0; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .35rem 1.25rem; margin: 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .88rem; overflow-wrap: anywhere; }
button, .button { display: inline-block; font: inherit; padding: .45rem .95rem; border-radius: 6px; border: 1px solid var(--brand); background: var(--brand); color: #fff; cursor: pointer; text-decoration: none; }
button:hover, .button:hover { background: var(--brand-dark); }
button.secondary, .button.secondary { background: #fff; color: var(--brand); }
button.danger, .button.danger { background: #fff; color: var(--bad); border-color: var(--bad); }
form.inline { display: inline; }
.field { margin: 0 0 1rem; }
.field > label, fieldset legend { display: block; font-weight: 600; margin-bottom: .25rem; }
.hint { display: block; color: var(--muted); font-size: .88rem; margin: .1rem 0 .3rem; }
input[type=text], input[type=password], input[type=email], input[type=number], input[type=datetime-local], input[type=file], select, textarea {
  font: inherit; padding: .4rem .55rem; border: 1px solid #8a94a3; border-radius: 5px; width: 100%; max-width: 34rem; background: #fff; color: var(--ink); }
textarea { min-height: 5rem; }
fieldset { border: 1px solid var(--line); border-radius: 6px; padding: .75rem 1rem; margin: 0 0 1rem; max-width: 36rem; }
.check { display: flex; gap: .5rem; align-items: flex-start; margin: .3rem 0; }
.check input { margin-top: .3rem; }
.notice { padding: .7rem 1rem; border-radius: 6px; margin: 0 0 1rem; border: 1px solid; }
.notice.ok { background: var(--ok-bg); border-color: #9acfa8; color: var(--ok); }
.notice.error { background: var(--bad-bg); border-color: #e3a5a5; color: var(--bad); }
.notice.warn { background: var(--warn-bg); border-color: #e5c27a; color: var(--warn); }
.field-error { color: var(--bad); font-weight: 600; display: block; margin: .15rem 0 .3rem; }
.pill { display: inline-block; padding: .05rem .5rem; border-radius: 999px; font-size: .8rem; font-weight: 600; border: 1px solid; white-space: nowrap; }
.pill.ok { color: var(--ok); background: var(--ok-bg); border-color: #9acfa8; }
.pill.bad { color: var(--bad); background: var(--bad-bg); border-color: #e3a5a5; }
.pill.warn { color: var(--warn); background: var(--warn-bg); border-color: #e5c27a; }
.pill.muted { color: var(--muted); background: #eef1f5; border-color: var(--line); }
.secret { display: flex; gap: .5rem; align-items: center; flex-wrap: wrap; }
.secret input { max-width: 40rem; font-family: ui-monospace, Menlo, Consolas, monospace; }
.filters { display: flex; gap: 1rem; flex-wrap: wrap; align-items: flex-end; }
.filters .field { margin: 0; min-width: 11rem; }
.pager { display: flex; gap: 1rem; align-items: center; margin-top: 1rem; }
.sign-in { max-width: 24rem; margin: 3rem auto; }
.score { display: flex; gap: 2rem; align-items: center; flex-wrap: wrap; }
.finding { border-top: 1px solid var(--line); padding: .75rem 0; }
.finding:first-of-type { border-top: 0; }
.finding h4 { margin: 0 0 .3rem; font-size: 1rem; }
.finding p { margin: .25rem 0; }
details summary { cursor: pointer; color: var(--brand); }
.actions { display: flex; gap: .75rem; flex-wrap: wrap; align-items: center; }
main > .actions { margin: 0 0 1rem; }
dl.facts + .actions, dl.facts + form { margin-top: .75rem; }
`;

export const CONSOLE_JS = `
// Progressive enhancement only: reveals the copy buttons beside one-time secrets, and sends
// each form once.
document.querySelectorAll('button[data-copy-target]').forEach(function (button) {
  var target = document.getElementById(button.getAttribute('data-copy-target'));
  if (!target || !navigator.clipboard) return;
  button.hidden = false;
  button.addEventListener('click', function () {
    navigator.clipboard.writeText(target.value || target.textContent || '').then(function () {
      var status = document.getElementById(button.getAttribute('aria-describedby') || '');
      if (status) status.textContent = 'Copied to the clipboard.';
    });
  });
});
// A second submit while the first is on its way (a double-click) would repeat the write, and
// the page would show the second answer ("already exists") instead of the first (the app
// created, its secret shown once): the browser sends a form once per page.
document.addEventListener('submit', function (event) {
  var form = event.target;
  if (!(form instanceof HTMLFormElement) || form.method !== 'post') return;
  if (form.hasAttribute('data-sent')) event.preventDefault();
  else form.setAttribute('data-sent', '');
});
// A page restored from the back-forward cache may send its forms again.
window.addEventListener('pageshow', function (event) {
  if (!event.persisted) return;
  document.querySelectorAll('form[data-sent]').forEach(function (form) {
    form.removeAttribute('data-sent');
  });
});
`;

/**
 * The tab icon, linked from every page: without a link the browser asks for /favicon.ico,
 * which the console does not serve, and logs a 404 on every visit. Shapes and presentation
 * attributes only, so it needs nothing the Content-Security-Policy forbids.
 */
export const CONSOLE_ICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">\
<rect width="32" height="32" rx="6" fill="#032d60"/>\
<circle cx="11" cy="16" r="5" fill="none" stroke="#fff" stroke-width="3"/>\
<path d="M16 16h11M23 16v5M27 16v4" fill="none" stroke="#fff" stroke-width="3"/></svg>
`;
