/**
 * Report values come from the reviewed source: app names taken from file names, element
 * values, configuration entries. A control character in one could start a forged line (a
 * `FAIL ...` that never happened) or send escape sequences to the terminal showing a CI log,
 * so every report writes them in a visible, inert form.
 */

/** C0 controls, DEL and C1 controls (the same set config/schema.ts refuses in names). */
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/g;

/** C0 controls are escaped by JSON.stringify already; DEL and C1 are not. */
const JSON_UNESCAPED_CONTROLS = /[\u007f-\u009f]/g;

/** Whether `text` holds a control character. */
export function hasControlCharacter(text: string): boolean {
  return text.search(CONTROL_CHARACTERS) !== -1;
}

function hex(c: string): string {
  return c.charCodeAt(0).toString(16).padStart(2, '0');
}

/** `text` with each control character written as `\xNN` (ESC becomes `\x1b`, a newline `\x0a`). */
export function printable(text: string): string {
  return text.replace(CONTROL_CHARACTERS, (c) => `\\x${hex(c)}`);
}

/**
 * JSON text with DEL and C1 controls written as `\u00NN` escapes: the same document once
 * parsed, but nothing a terminal acts on when the JSON itself is shown. They can only occur
 * inside strings, where the escape is valid.
 */
export function escapeJsonControls(json: string): string {
  return json.replace(JSON_UNESCAPED_CONTROLS, (c) => `\\u00${hex(c)}`);
}
