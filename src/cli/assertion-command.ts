/**
 * `keygate assertion`: signs an RFC 7523 JWT Bearer assertion with a local key and prints it, alone
 * on stdout, for use with curl. The assertion is a short-lived credential: it goes to stdout only,
 * never to a log or stderr.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-2.1
 */
import type { Command } from 'commander';
import { AssertionSigningError, signAssertion } from '../client/index.js';
import { CliError } from './cli-error.js';
import { printLine } from './output.js';
import { parsePositiveInt } from './parse.js';
import { KEY_PASSPHRASE_OPTION, readSigningKeyFile } from './signing-key-file.js';

interface AssertionOptions {
  clientId: string;
  username: string;
  key: string;
  keyPassphraseEnv?: string;
  audience: string;
  lifetime: string;
  kid?: string;
}

export function registerAssertionCommand(program: Command): void {
  program
    .command('assertion')
    .description('print a signed JWT Bearer assertion (for curl: -d grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer -d assertion=...)')
    .requiredOption('--client-id <key>', "the app's consumer key (the assertion's iss)")
    .requiredOption('--username <user>', "the user the token will act as (the assertion's sub)")
    .requiredOption('--key <file>', 'private key (PKCS#8 PEM) matching a certificate on the app')
    .option(...KEY_PASSPHRASE_OPTION)
    .requiredOption('--audience <aud>', "the server's base URL (issuer) or https://login.salesforce.com")
    .option('--lifetime <seconds>', 'seconds until exp (the server caps it; Salesforce allows 180)', '180')
    .option('--kid <kid>', 'kid header, to pick one of several certificates')
    .action(async (opts: AssertionOptions) => {
      const lifetimeSeconds = parsePositiveInt(opts.lifetime, '--lifetime');
      const key = readSigningKeyFile(opts.key, opts.keyPassphraseEnv);
      let assertion: string;
      try {
        assertion = await signAssertion({
          issuer: opts.clientId,
          subject: opts.username,
          audience: opts.audience,
          key,
          lifetimeSeconds,
          ...(opts.kid !== undefined && { kid: opts.kid }),
        });
      } catch (err) {
        if (err instanceof AssertionSigningError || err instanceof TypeError || err instanceof RangeError) {
          throw new CliError(`cannot sign with ${opts.key}: ${err.message}`);
        }
        throw err;
      }
      printLine(assertion);
    });
}
