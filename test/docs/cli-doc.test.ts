/**
 * The CLI's command catalogue against docs/cli.md (STYLE.md rule 7): every command registered in
 * buildProgram() has a section with each of its options and its exit codes, and every command the
 * page names exists.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';

const DOC = readFileSync(resolve(import.meta.dirname, '../../docs/cli.md'), 'utf8');

/** Every command path, e.g. "keygate app list", with whether it is a leaf and its long flags. */
function commandsOf(command: Command, parent: string[] = []): { path: string; leaf: boolean; flags: string[] }[] {
  const path = [...parent, command.name()];
  const self = { path: path.join(' '), leaf: command.commands.length === 0, flags: command.options.map((o) => o.long!).filter(Boolean) };
  return [self, ...command.commands.flatMap((sub) => commandsOf(sub, path))];
}

/** Headings that name a command: "### keygate cert add --app APP FILE" → "keygate cert add". */
function documentedSections(): Map<string, string> {
  const sections = new Map<string, string>();
  const headings = [...DOC.matchAll(/^#{2,4} (keygate(?: [a-z][a-z-]*)*)\b.*$/gm)];
  headings.forEach((match, i) => {
    const end = i + 1 < headings.length ? headings[i + 1]!.index : DOC.length;
    sections.set(match[1]!, DOC.slice(match.index, end));
  });
  return sections;
}

describe('docs/cli.md', () => {
  const registered = commandsOf(buildProgram()).filter((c) => c.path !== 'keygate');
  const sections = documentedSections();

  it('documents every registered command', () => {
    const missing = registered.filter((c) => c.leaf && !sections.has(c.path)).map((c) => c.path);
    expect(missing).toEqual([]);
  });

  it('names no command that does not exist', () => {
    const known = new Set(registered.map((c) => c.path));
    expect([...sections.keys()].filter((path) => !known.has(path))).toEqual([]);
  });

  it("lists every option of each command in the command's section", () => {
    const missing = registered
      .filter((c) => c.leaf && sections.has(c.path))
      .flatMap((c) => c.flags.filter((flag) => !new RegExp(`${flag}(?![\\w-])`).test(sections.get(c.path)!)).map((flag) => `${c.path} ${flag}`));
    expect(missing).toEqual([]);
  });

  it("states each command's exit codes", () => {
    const missing = registered.filter((c) => c.leaf && sections.has(c.path) && !/Exit codes:/.test(sections.get(c.path)!)).map((c) => c.path);
    expect(missing).toEqual([]);
  });
});
