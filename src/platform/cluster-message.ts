/**
 * Messages on the IPC channel between the primary and the workers of `serve --workers`. Several
 * conversations share the channel (handed-over connections, change broadcasts), so each
 * message carries a `tag` naming its conversation, and each listener takes only its own.
 */

/** Whether `message` belongs to the conversation `tag`. */
export function hasTag(message: unknown, tag: string): boolean {
  return typeof message === 'object' && message !== null && (message as { tag?: unknown }).tag === tag;
}
