/**
 * `keygate cert add|list|remove|inspect`: an app's X.509 certificates. `add`, `list` and
 * `remove` go through the admin API, which validates the certificate on upload; `inspect`
 * works offline on a file and never needs a server.
 */
import type { Command } from 'commander';
import { describeTimeLeft, isExpiringSoon } from '../domain/certificate.js';
import { CertificateRejectedError, describeKey, formatFingerprint, inspectCertificatePem, isWeakKey, type ParsedCertificate } from '../platform/x509.js';
import { addConnectionOptions, connectAdmin, segment, type ConnectionOptions } from './admin-connection.js';
import { CliError } from './cli-error.js';
import { readNamedFile } from './parse.js';
import { printFields, printTable } from './cli-format.js';
import { printJson, printLine, warn } from './output.js';
import type { CertificateDto } from '../http/admin-api/wire-mappers.js';

/** The armour of any PEM private key: PKCS#8 (also encrypted), PKCS#1, SEC 1, OpenSSH. */
const PRIVATE_KEY_PEM = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;

/** What `cert inspect` should warn about, in the order it prints them. */
export function certificateWarnings(cert: Pick<ParsedCertificate, 'notBefore' | 'notAfter' | 'keyType' | 'keySize'>, now: Date): string[] {
  const warnings: string[] = [];
  if (cert.notAfter.getTime() <= now.getTime()) {
    warnings.push(`the certificate expired on ${cert.notAfter.toISOString()}; Keygate refuses it`);
  } else if (isExpiringSoon(cert.notAfter, now)) {
    warnings.push(`the certificate expires in ${describeTimeLeft(cert.notAfter, now)}, on ${cert.notAfter.toISOString()}; upload its replacement first`);
  }
  if (cert.notBefore.getTime() > now.getTime()) warnings.push(`the certificate is not valid before ${cert.notBefore.toISOString()}`);
  if (isWeakKey(cert)) warnings.push(`the RSA key has only ${cert.keySize} bits; Keygate requires at least 2048 (3072 recommended)`);
  return warnings;
}

function inspectFile(file: string, opts: { json?: boolean }): void {
  const text = readNamedFile(file);
  // A bundle would otherwise read as "2 PEM blocks": name the key, as cert add does (docs/cli.md).
  if (PRIVATE_KEY_PEM.test(text) && text.includes('-----BEGIN CERTIFICATE-----')) {
    throw new CliError(`${file}: the file holds a private key beside the certificate; keep the key apart and inspect the certificate alone`, 1);
  }
  let cert: ParsedCertificate;
  try {
    cert = inspectCertificatePem(text);
  } catch (err) {
    if (err instanceof CertificateRejectedError) throw new CliError(`${file}: ${err.message}`, 1);
    throw err;
  }
  const now = new Date();
  const warnings = certificateWarnings(cert, now);
  const timeLeft = describeTimeLeft(cert.notAfter, now);
  if (opts.json) {
    printJson({
      subject: cert.subject,
      issuer: cert.issuer,
      serialNumber: cert.serialNumber,
      notBefore: cert.notBefore.toISOString(),
      notAfter: cert.notAfter.toISOString(),
      keyType: cert.keyType,
      keySize: cert.keySize,
      curve: cert.curve,
      fingerprintSha256: cert.fingerprintSha256,
      warnings,
    });
  } else {
    printFields([
      ['subject', cert.subject],
      ['issuer', cert.issuer === cert.subject ? `${cert.issuer} (self-signed)` : cert.issuer],
      ['serial', cert.serialNumber],
      ['valid from', cert.notBefore.toISOString()],
      ['valid until', `${cert.notAfter.toISOString()} (${timeLeft === null ? 'expired' : `${timeLeft} left`})`],
      ['key', `${describeKey(cert.keyType, cert.keySize, cert.curve)}${cert.keyType === 'RSA' ? ' bits' : ''}`],
      ['SHA-256', formatFingerprint(cert.fingerprintSha256)],
    ]);
  }
  for (const warning of warnings) warn(`warning: ${warning}`);
}

export function registerCertCommand(program: Command): void {
  const cert = program.command('cert').description("manage an app's certificates, or inspect a certificate file");

  addConnectionOptions(
    cert
      .command('add')
      .description('upload a certificate (PEM) to an app; it is validated before it is stored')
      .requiredOption('--app <app>', 'app name or id')
      .argument('<file>', 'PEM certificate file (never the private key)')
      .option('--json', 'print JSON'),
  ).action(async (file: string, opts: ConnectionOptions & { app: string; json?: boolean }) => {
    const pem = readNamedFile(file);
    // The server would refuse a key as well, but only once it has crossed the wire: refuse it here.
    if (PRIVATE_KEY_PEM.test(pem)) {
      throw new CliError(`${file} holds a private key: cert add uploads only the certificate (the .crt.pem file keygen wrote); nothing was sent`);
    }
    const added = await (await connectAdmin(opts)).request<CertificateDto>('POST', `/apps/${segment(opts.app)}/certificates`, { pem });
    if (opts.json) return printJson(added);
    printLine(`added certificate ${added.id} to "${opts.app}": ${added.subject}, valid until ${added.notAfter}`);
    printLine(`SHA-256 fingerprint: ${formatFingerprint(added.fingerprintSha256)}`);
  });

  addConnectionOptions(
    cert.command('list').description("list an app's certificates").requiredOption('--app <app>', 'app name or id').option('--json', 'print JSON'),
  ).action(async (opts: ConnectionOptions & { app: string; json?: boolean }) => {
    const { items } = await (await connectAdmin(opts)).request<{ items: CertificateDto[] }>('GET', `/apps/${segment(opts.app)}/certificates`);
    if (opts.json) return printJson(items);
    printTable(
      ['ID', 'SUBJECT', 'KEY', 'VALID UNTIL', 'SHA-256'],
      items.map((c) => [c.id, c.subject, describeKey(c.keyType as ParsedCertificate['keyType'], c.keySize, c.curve), c.notAfter, c.fingerprintSha256]),
    );
  });

  addConnectionOptions(
    cert
      .command('remove')
      .description('remove a certificate from an app (refused for the last valid one while JWT Bearer is on)')
      .requiredOption('--app <app>', 'app name or id')
      .argument('<certificate>', 'certificate id or SHA-256 fingerprint'),
  ).action(async (certificate: string, opts: ConnectionOptions & { app: string }) => {
    await (await connectAdmin(opts)).request('DELETE', `/apps/${segment(opts.app)}/certificates/${segment(certificate)}`);
    printLine(`removed certificate ${certificate} from "${opts.app}"`);
  });

  cert
    .command('inspect')
    .description('show a certificate file (offline): subject, issuer, validity, key, SHA-256 fingerprint; warns on expiry and weak keys')
    .argument('<file>', 'PEM certificate file')
    .option('--json', 'print JSON')
    .action((file: string, opts: { json?: boolean }) => inspectFile(file, opts));
}
