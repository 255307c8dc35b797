/**
 * Form bodies of the console. URL-encoded forms arrive as the raw string the server's parser
 * keeps; the certificate upload arrives as multipart/form-data (see multipart.ts).
 */

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
