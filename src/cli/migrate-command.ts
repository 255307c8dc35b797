/**
 * `keygate migrate`: brings the database schema up to date and exits. Servers also migrate at
 * start-up (under Kysely's migration lock, an advisory lock on PostgreSQL); this command lets
 * a deployment run the migrations once, before rolling out new instances.
 */
import type { Command } from 'commander';
import { readEnvironment } from '../config/environment.js';
import { loadConfigFile } from '../config/load.js';
import { describeStorage, migrateStorage } from '../main.js';
import { printLine } from './output.js';

export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('bring the database schema up to date (SQLite in --data, or KEYGATE_DATABASE_URL / storage.url) and exit')
    .option('--config <file>', 'configuration file whose storage.url names the database')
    .option('--data <dir>', 'data directory (SQLite database)')
    .action(async (opts: { config?: string; data?: string }) => {
      const env = readEnvironment();
      const config = opts.config ? loadConfigFile(opts.config, env.all) : undefined;
      const target = { dataDir: opts.data ?? env.dataDir ?? '.keygate', databaseUrl: env.databaseUrl ?? config?.storage?.url };
      const applied = await migrateStorage(target);
      printLine(
        applied.length > 0
          ? `${describeStorage(target)}: applied ${applied.join(', ')}`
          : `${describeStorage(target)}: schema already up to date`,
      );
    });
}
