/**
 * The private key an integrator signs assertions with, read from the file `--key` names. An
 * encrypted PEM (PKCS#8 `ENCRYPTED PRIVATE KEY`, or a PKCS#1/SEC 1 key with a `Proc-Type`
 * header) is opened with the passphrase in the environment variable `--key-passphrase-env`
 * names, so the passphrase never sits in the command line or the shell history.
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { readEnvironment } from '../config/environment.js';
import { CliError } from './cli-error.js';
import { readNamedFile } from './parse.js';

const ENCRYPTED_PEM = /-----BEGIN ENCRYPTED PRIVATE KEY-----|^Proc-Type: 4,ENCRYPTED/m;

export const KEY_PASSPHRASE_OPTION = ['--key-passphrase-env <name>', 'environment variable holding the passphrase of an encrypted --key'] as const;

/** The key as the client library takes it: the PEM text, or the opened key when it was encrypted. */
export function readSigningKeyFile(file: string, passphraseEnv: string | undefined): string | KeyObject {
  const pem = readNamedFile(file, `the key file ${file}`);
  const encrypted = ENCRYPTED_PEM.test(pem);
  if (passphraseEnv === undefined) {
    if (encrypted) throw new CliError(`${file} is encrypted: name the environment variable holding its passphrase with --key-passphrase-env`, 2);
    return pem;
  }
  const passphrase = readEnvironment().all[passphraseEnv];
  if (passphrase === undefined) throw new CliError(`--key-passphrase-env names ${passphraseEnv}, which is not set`, 2);
  if (!encrypted) throw new CliError(`${file} is not an encrypted key; leave out --key-passphrase-env`, 2);
  try {
    return createPrivateKey({ key: pem, format: 'pem', passphrase });
  } catch {
    // Node's message says no more than this, and must not be echoed in case it quotes the file.
    throw new CliError(`cannot open ${file} with the passphrase in ${passphraseEnv}: wrong passphrase, or a damaged key`);
  }
}
