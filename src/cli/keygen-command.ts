/** `keygate keygen`: a private key (PKCS#8, 0600) and a self-signed certificate to upload to an app. */
import { rmSync, unlinkSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { generateKeyPairWithCertificate, type KeygenAlgorithm } from '../platform/keygen.js';
import { formatFingerprint, inspectCertificatePem } from '../platform/x509.js';
import { CliError } from './cli-error.js';
import { printLine } from './output.js';
import { parsePositiveInt } from './parse.js';

const ALGORITHMS: readonly KeygenAlgorithm[] = ['RS256', 'RS3072', 'ES256'];

export function registerKeygenCommand(program: Command): void {
  program
    .command('keygen')
    .description('generate a signing key and a self-signed certificate for an integration')
    .requiredOption('--out <prefix>', 'writes PREFIX.key.pem and PREFIX.crt.pem')
    .option('--alg <alg>', `key type: ${ALGORITHMS.join(', ')}`, 'RS256')
    .option('--days <n>', 'certificate validity in days', '365')
    .option('--subject <cn>', 'certificate subject common name', 'keygate-integration')
    .action(async (opts: { out: string; alg: string; days: string; subject: string }) => {
      if (!ALGORITHMS.includes(opts.alg as KeygenAlgorithm)) throw new CliError(`--alg must be one of ${ALGORITHMS.join(', ')}`, 2);
      const days = parsePositiveInt(opts.days, '--days');
      const keys = await generateKeyPairWithCertificate({ alg: opts.alg as KeygenAlgorithm, subject: opts.subject, days });
      const keyFile = `${opts.out}.key.pem`;
      const certFile = `${opts.out}.crt.pem`;
      // Both files or neither: a key left without its certificate would make a rerun refuse.
      writeNewFile(keyFile, keys.privateKeyPem, 0o600);
      try {
        writeNewFile(certFile, keys.certificatePem, 0o644);
      } catch (err) {
        unlinkSync(keyFile);
        throw err;
      }
      const cert = inspectCertificatePem(keys.certificatePem);
      printLine(`private key: ${keyFile} (keep it secret; mode 0600)`);
      printLine(`certificate: ${certFile} (upload this to the app)`);
      printLine(`valid until: ${cert.notAfter.toISOString()}`);
      printLine(`SHA-256 fingerprint: ${formatFingerprint(cert.fingerprintSha256)}`);
    });
}

/** Creates `file`; never replaces one, since a key or certificate there may already be in use. */
function writeNewFile(file: string, content: string, mode: number): void {
  try {
    writeFileSync(file, content, { mode, flag: 'wx' });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // A file this call created but could not fill (a full disk) goes; one that existed stays.
    if (code !== 'EEXIST') rmSync(file, { force: true });
    throw new CliError(code === 'EEXIST' ? `${file} already exists; refusing to overwrite it (nothing was written)` : `cannot write ${file}: ${code} (nothing was written)`);
  }
}
