#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm install` (the prepare script).
import('../dist/cli/main.js').then((m) => m.main(process.argv)).catch((err) => {
  process.stderr.write(`keygate: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
