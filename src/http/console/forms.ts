/**
 * Form bodies of the console. URL-encoded forms arrive as the raw string the server's parser
 * keeps; the certificate upload arrives as multipart/form-data (see multipart.ts). A refused
 * write is told beside the form in the form's own words ({@link refusalMessage}).
 */
import type { AdminError } from '../../admin/admin-errors.js';

/** The field that only a confirmation page's form carries; a weakening or destructive POST without it asks first. */
export const CONFIRM_FIELD = { name: 'confirm', value: 'yes' } as const;

/** The fields of a submitted form; repeated names (checkbox groups) keep every value. */
export class FormFields {
  constructor(private readonly values: ReadonlyMap<string, readonly string[]>) {}

  static fromUrlEncoded(body: unknown): FormFields {
    const params = new URLSearchParams(typeof body === 'string' ? body : '');
    const values = new Map<string, string[]>();
    for (const [key, value] of params) values.set(key, [...(values.get(key) ?? []), value]);
    return new FormFields(values);
  }

  /** The first value, trimmed; undefined when absent. */
  text(name: string): string | undefined {
    return this.values.get(name)?.[0]?.trim();
  }

  /** Several fields' first values, trimmed; an absent field reads as the empty string. */
  texts<K extends string>(...names: K[]): Record<K, string> {
    const out = {} as Record<K, string>;
    for (const name of names) out[name] = this.text(name) ?? '';
    return out;
  }

  /** The first value exactly as sent (passwords). */
  raw(name: string): string | undefined {
    return this.values.get(name)?.[0];
  }

  all(name: string): string[] {
    return [...(this.values.get(name) ?? [])];
  }

  /** A checkbox: present means ticked. */
  checked(name: string): boolean {
    return this.values.has(name);
  }

  /** A comma- or line-separated list, trimmed, empties dropped. */
  list(name: string): string[] {
    return (this.text(name) ?? '')
      .split(/[\n,]/)
      .map((v) => v.trim())
      .filter(Boolean);
  }
}

/** A form's labels by the service's field path (`contactEmail`, `policies.profiles`). */
export type FieldLabels = Readonly<Record<string, string>>;

/**
 * The service's refusal in the words of the form: the field it names is called by the
 * form's label (`contactEmail: Invalid email address` reads `Contact email: Invalid email
 * address`), and a field name in parentheses, meant for the admin API, is left out. The
 * longest labelled prefix of the path counts: `permissionSets.0` is "Permission sets".
 */
export function labelledDetail(err: AdminError, labels: FieldLabels): string {
  const path = err.field?.split('.') ?? [];
  for (let n = path.length; n > 0; n -= 1) {
    const label = labels[path.slice(0, n).join('.')];
    if (!label) continue;
    if (err.detail.startsWith(`${err.field}: `)) return `${label}: ${err.detail.slice(err.field!.length + 2)}`;
    return err.detail.replace(` (${err.field})`, '');
  }
  return err.detail;
}

/** The message shown beside a form for a refused write. */
export function refusalMessage(err: AdminError, labels: FieldLabels = {}): string {
  if (err.code === 'certificate_rejected') return `The certificate was refused: ${err.detail}.`;
  const detail = labelledDetail(err, labels);
  return `${detail.charAt(0).toUpperCase()}${detail.slice(1)}.`;
}

/** Whether the form came from a confirmation page (carries {@link CONFIRM_FIELD}). */
export function confirmed(form: FormFields): boolean {
  return form.text(CONFIRM_FIELD.name) === CONFIRM_FIELD.value;
}
