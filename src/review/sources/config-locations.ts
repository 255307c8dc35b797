/**
 * Line numbers of keys in a keygate.yaml, so that findings from an offline review point at
 * the line that set them (SARIF regions, pull-request annotations).
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';

/** Maps dotted key paths (`apps.2.flows.clientCredentials`) to 1-based line numbers. */
export function locateConfigKeys(text: string): Map<string, number> {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, keepSourceTokens: false });
  const found = new Map<string, number>();
  const visit = (node: unknown, path: string): void => {
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : null;
        if (key === null) continue;
        const child = path ? `${path}.${key}` : key;
        const range = (pair.key as Node).range;
        if (range) found.set(child, lines.linePos(range[0]).line);
        visit(pair.value, child);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        const child = `${path}.${i}`;
        const range = (item as Node | null)?.range;
        if (range) found.set(child, lines.linePos(range[0]).line);
        visit(item, child);
      });
    }
  };
  visit(doc.contents, '');
  return found;
}
