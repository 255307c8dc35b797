/**
 * Input the Salesforce review refuses: malformed XML, an unexpected root element or
 * namespace, an unreadable folder, files that cannot be joined. Each gives one clear line and
 * exit code 2; files of other types are ignored.
 */
import { mkdirSync, mkdtempSync, readdirSync, symlinkSync, truncateSync, writeFileSync, type Dirent } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runReviewCommand, type ReviewCommandIo } from '../../../src/cli/review-command.js';
import { CliError } from '../../../src/cli/cli-error.js';
import { snapshotFromSalesforce } from '../../../src/review/sources/salesforce/from-salesforce.js';
import { findMetadataFiles, NODE_FOLDER_READER } from '../../../src/review/sources/salesforce/metadata-files.js';
import { MAX_ELEMENT_DEPTH } from '../../../src/review/sources/salesforce/metadata-xml.js';
import { MAX_METADATA_FILE_BYTES } from '../../../src/review/sources/salesforce/read-metadata.js';
import { SalesforceMetadataError } from '../../../src/review/sources/salesforce/salesforce-metadata-error.js';
import { ensureBuilt, keygateIn } from './cli.js';
import { FIXTURES, REVIEWED_AT } from './fixtures.js';

const NS = 'xmlns="http://soap.sforce.com/2006/04/metadata"';

function folderWith(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'keygate-sf-err-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

function errorOf(fn: () => unknown): SalesforceMetadataError {
  try {
    fn();
  } catch (err) {
    if (err instanceof SalesforceMetadataError) return err;
    throw err;
  }
  throw new Error('expected a SalesforceMetadataError');
}

const review = (dir: string): unknown => snapshotFromSalesforce(dir, { now: REVIEWED_AT });

function captured(): { io: ReviewCommandIo; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: (t) => out.push(t), stderr: (t) => err.push(t), now: () => REVIEWED_AT, interactive: false, env: {} } };
}

describe('malformed and unexpected metadata', () => {
  it('malformed XML names the file and line', () => {
    const e = errorOf(() => review(join(FIXTURES, 'broken-xml')));
    expect(e.message).toMatch(/Broken\.eca-meta\.xml:4: malformed XML: /);
    expect(e.line).toBe(4);
  });

  it('an unknown root element for a known suffix names the root it expected', () => {
    const e = errorOf(() => review(join(FIXTURES, 'unknown-root')));
    expect(e.message).toContain('Wrong.ecaGlblOauth-meta.xml:2: unexpected root element <ConnectedApp> for a file with this suffix; expected <ExtlClntAppGlobalOauthSettings>');
  });

  it('a root element without the Metadata API namespace is refused', () => {
    const dir = folderWith({ 'externalClientApps/A.eca-meta.xml': '<ExternalClientApplication><label>A</label></ExternalClientApplication>' });
    expect(errorOf(() => review(dir)).message).toContain('must declare xmlns="http://soap.sforce.com/2006/04/metadata"');
  });

  it('a child file without <externalClientApplication> cannot be joined and is refused', () => {
    const dir = folderWith({ 'x/A.ecaOauth-meta.xml': `<ExtlClntAppOauthSettings ${NS}><label>A</label></ExtlClntAppOauthSettings>` });
    expect(errorOf(() => review(dir)).message).toContain('lacks the required <externalClientApplication> element');
  });

  it('two files configuring the same part of one app are refused', () => {
    const file = `<ExtlClntAppOauthSettings ${NS}><externalClientApplication>A</externalClientApplication></ExtlClntAppOauthSettings>`;
    const dir = folderWith({ 'one/A_oauth.ecaOauth-meta.xml': file, 'two/Other.ecaOauth-meta.xml': file });
    expect(errorOf(() => review(dir)).message).toContain('describes ExtlClntAppOauthSettings of External Client App A again');
  });

  it('a single-valued element given twice is refused with its second line, rather than the first value deciding the finding', () => {
    const global = [
      `<ExtlClntAppGlobalOauthSettings ${NS}>`,
      '    <externalClientApplication>A</externalClientApplication>',
      '    <isRefreshTokenRotationEnabled>true</isRefreshTokenRotationEnabled>',
      '    <isRefreshTokenRotationEnabled>false</isRefreshTokenRotationEnabled>',
      '</ExtlClntAppGlobalOauthSettings>',
    ].join('\n');
    const dir = folderWith({ 'externalClientApps/A.eca-meta.xml': `<ExternalClientApplication ${NS}><label>A</label></ExternalClientApplication>`, 'g/A_glbloauth.ecaGlblOauth-meta.xml': global });
    expect(errorOf(() => review(dir)).message).toBe(`${join(dir, 'g/A_glbloauth.ecaGlblOauth-meta.xml')}:4: <isRefreshTokenRotationEnabled> appears more than once; it holds one value`);

    const twoParents = `<ExtlClntAppOauthSettings ${NS}>\n<externalClientApplication>A</externalClientApplication>\n<externalClientApplication>B</externalClientApplication>\n</ExtlClntAppOauthSettings>`;
    expect(errorOf(() => review(folderWith({ 'o/A_oauth.ecaOauth-meta.xml': twoParents }))).message).toContain(':3: <externalClientApplication> appears more than once');

    const permission = `<PermissionSet ${NS}>\n<label>P</label>\n<userPermissions>\n<enabled>false</enabled>\n<enabled>true</enabled>\n<name>ModifyAllData</name>\n</userPermissions>\n</PermissionSet>`;
    expect(errorOf(() => review(folderWith({ 'permissionsets/P.permissionset-meta.xml': permission }))).message).toContain(':3: <userPermissions/enabled> appears more than once');
  });

  it('elements nested deeper than the parser allows name the file and line, like any malformed XML', () => {
    const depth = 200_000;
    const dir = folderWith({ 'externalClientApps/Deep.eca-meta.xml': `<ExternalClientApplication ${NS}>\n${'<a>'.repeat(depth)}${'</a>'.repeat(depth)}\n</ExternalClientApplication>` });
    const e = errorOf(() => review(dir));
    expect(e.message).toBe(`${join(dir, 'externalClientApps/Deep.eca-meta.xml')}:2: malformed XML: elements nest deeper than ${MAX_ELEMENT_DEPTH} levels`);
  });

  it(`a file larger than ${MAX_METADATA_FILE_BYTES / 1024 / 1024} MiB is refused before it is read`, () => {
    const dir = folderWith({ 'profiles/Huge.profile-meta.xml': '' });
    // A sparse file: the size is what counts, and nothing this large is written to disk.
    truncateSync(join(dir, 'profiles/Huge.profile-meta.xml'), MAX_METADATA_FILE_BYTES + 1);
    expect(errorOf(() => review(dir)).message).toBe(`${join(dir, 'profiles/Huge.profile-meta.xml')}: is larger than 64 MiB, far beyond any metadata file of a type this review reads`);
  });

  it('files of other types are ignored, even when they are not XML', () => {
    const dir = folderWith({
      'classes/A.cls': 'public class A { <not xml> }',
      'objects/Account/Account.object-meta.xml': `<CustomObject ${NS}><label>Account</label></CustomObject>`,
      'staticresources/data.xml': '<<<',
    });
    expect(findMetadataFiles(dir)).toEqual([]);
    // With nothing this review reads, a gate must not pass: the path is most likely wrong.
    expect(errorOf(() => review(dir)).message).toBe(
      `${dir}: holds no metadata file this review reads (*-meta.xml); give the folder that holds the retrieved metadata (e.g. force-app)`,
    );
    mkdirSync(join(dir, 'profiles'));
    writeFileSync(join(dir, 'profiles/Admin.profile-meta.xml'), `<Profile ${NS}></Profile>`);
    expect(review(dir)).toMatchObject({ apps: [] });
  });
});

describe('names with control characters (Keygate refuses them in every name)', () => {
  const ECA_CHILD = (app: string, extra = ''): string =>
    `<ExtlClntAppOauthConfigurablePolicies ${NS}>\n    <externalClientApplication>${app}</externalClientApplication>\n${extra}</ExtlClntAppOauthConfigurablePolicies>`;

  it('a file name with a control character is refused, and the message shows it escaped', () => {
    const dir = folderWith({ 'externalClientApps/Evil\u001b[2K.eca-meta.xml': `<ExternalClientApplication ${NS}/>` });
    const e = errorOf(() => review(dir));
    expect(e.message).toBe(`${dir}/externalClientApps/Evil\\x1b[2K.eca-meta.xml: the file or a folder above it has a control character in its name, which no Salesforce name may hold`);
  });

  it('a URL-encoded control character in a file name is refused once decoded', () => {
    const dir = folderWith({ 'externalClientApps/Evil%0AFAIL.eca-meta.xml': `<ExternalClientApplication ${NS}/>` });
    expect(errorOf(() => review(dir)).message).toBe(
      `${dir}/externalClientApps/Evil%0AFAIL.eca-meta.xml: the component name "Evil\\x0aFAIL" holds a control character, which no Salesforce name may hold`,
    );
  });

  it('an app, profile, permission set or user name written with a character reference names the file and line', () => {
    const cases: [Record<string, string>, string, number][] = [
      [{ 'p/A.ecaOauthPlcy-meta.xml': ECA_CHILD('A&#x1b;[31m') }, '<externalClientApplication> "A\\x1b[31m"', 2],
      [{ 'p/A.ecaOauthPlcy-meta.xml': ECA_CHILD('A', '    <permittedUsersPolicyType>AdminApprovedPreAuthorized</permittedUsersPolicyType>\n    <commaSeparatedProfile>Admin&#xa;FAIL</commaSeparatedProfile>\n') }, '<commaSeparatedProfile> "Admin\\x0aFAIL"', 4],
      [{ 'p/A.ecaOauthPlcy-meta.xml': ECA_CHILD('A', '    <clientCredentialsFlowUser>ops&#155;2J@acme.example</clientCredentialsFlowUser>\n') }, '<clientCredentialsFlowUser> "ops\\x9b2J@acme.example"', 3],
      [{ 'c/L.connectedApp-meta.xml': `<ConnectedApp ${NS}>\n  <oauthConfig><isAdminApproved>true</isAdminApproved></oauthConfig>\n  <permissionSetName>Ok</permissionSetName>\n  <permissionSetName>Bad&#127;</permissionSetName>\n</ConnectedApp>` }, '<permissionSetName> "Bad\\x7f"', 4],
    ];
    for (const [files, what, line] of cases) {
      const dir = folderWith(files);
      const file = join(dir, Object.keys(files)[0]!);
      expect(errorOf(() => review(dir)).message, what).toBe(`${file}:${line}: ${what} holds a control character, which no Salesforce name may hold`);
    }
  });

  it('the project name in sfdx-project.json is refused too, since it names the org in every report', () => {
    const dir = folderWith({ 'sfdx-project.json': JSON.stringify({ name: 'acme\u001b]0;pwned\u0007' }), 'force-app/profiles/Admin.profile-meta.xml': `<Profile ${NS}/>` });
    expect(errorOf(() => review(join(dir, 'force-app'))).message).toBe(`${join(dir, 'sfdx-project.json')}: the project name "acme\\x1b]0;pwned\\x07" holds a control character, which no Salesforce name may hold`);
  });
});

describe('folders', () => {
  it('a folder that does not exist is refused', () => {
    expect(errorOf(() => review('/nonexistent/force-app')).message).toBe('/nonexistent/force-app: cannot read the folder (ENOENT)');
  });

  it('a file given as the folder is refused', () => {
    expect(errorOf(() => review(join(FIXTURES, 'README.md'))).message).toContain('is not a folder');
  });

  it('an unreadable folder inside the tree names that folder', () => {
    const dir = folderWith({ 'force-app/main/default/settings/OauthOidc.settings-meta.xml': `<OauthOidcSettings ${NS}/>`, 'force-app/locked/x.txt': '' });
    const denied = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    const e = errorOf(() =>
      snapshotFromSalesforce(dir, {
        now: REVIEWED_AT,
        reader: {
          folders: {
            ...NODE_FOLDER_READER,
            readdir: (path: string): Dirent[] => {
              if (path.endsWith('locked')) throw denied;
              return readdirSync(path, { withFileTypes: true });
            },
          },
        },
      }),
    );
    expect(e.message).toBe(`${join(dir, 'force-app/locked')}: cannot read the folder (EACCES)`);
  });
});

describe('symbolic links', () => {
  const eca = (name: string): Record<string, string> => ({ [`${name}.eca-meta.xml`]: `<ExternalClientApplication ${NS}><label>${name}</label></ExternalClientApplication>` });
  const appsOf = (dir: string): string[] => (snapshotFromSalesforce(dir, { now: REVIEWED_AT }).apps.map((a) => a.name)).sort();

  it('links to files and folders inside the reviewed folder are followed, so no app is left out of the gate', () => {
    const dir = folderWith({
      'shared/Shared_File.eca-meta.xml': eca('Shared_File')['Shared_File.eca-meta.xml']!,
      'elsewhere/inner/Linked_Folder.eca-meta.xml': eca('Linked_Folder')['Linked_Folder.eca-meta.xml']!,
      'force-app/externalClientApps/Local.eca-meta.xml': eca('Local')['Local.eca-meta.xml']!,
    });
    symlinkSync(join(dir, 'shared/Shared_File.eca-meta.xml'), join(dir, 'force-app/externalClientApps/Shared_File.eca-meta.xml'));
    symlinkSync(join(dir, 'elsewhere/inner'), join(dir, 'force-app/more'));
    expect(appsOf(dir)).toEqual(['Linked_Folder', 'Local', 'Shared_File']);
    // The same links lead out of force-app when force-app alone is reviewed.
    expect(errorOf(() => review(join(dir, 'force-app'))).message).toMatch(/: is a symbolic link that leads out of the reviewed folder; /);
  });

  it('a link to a file outside the reviewed folder is refused, not followed and not skipped', () => {
    const outside = folderWith(eca('Outside'));
    const dir = folderWith(eca('Local'));
    symlinkSync(join(outside, 'Outside.eca-meta.xml'), join(dir, 'Outside.eca-meta.xml'));
    expect(errorOf(() => review(dir)).message).toBe(`${join(dir, 'Outside.eca-meta.xml')}: is a symbolic link that leads out of the reviewed folder; review a folder that holds its target too`);
  });

  it('a link to a folder outside, such as the root of the file system, is refused before anything under it is read', () => {
    const dir = folderWith(eca('Local'));
    symlinkSync('/', join(dir, 'everything'));
    const reads: string[] = [];
    const reader = { ...NODE_FOLDER_READER, readdir: (path: string): Dirent[] => (reads.push(path), NODE_FOLDER_READER.readdir(path)) };
    expect(errorOf(() => findMetadataFiles(dir, reader)).message).toBe(`${join(dir, 'everything')}: is a symbolic link that leads out of the reviewed folder; review a folder that holds its target too`);
    expect(reads).toEqual([dir]);
  });

  it('the reviewed folder may itself be reached through a link', () => {
    const real = folderWith(eca('A'));
    const parent = mkdtempSync(join(tmpdir(), 'keygate-sf-link-'));
    symlinkSync(real, join(parent, 'force-app'));
    expect(appsOf(join(parent, 'force-app'))).toEqual(['A']);
  });

  it('a loop of links ends, and a file reached by two paths is read once', () => {
    const dir = folderWith({ 'force-app/externalClientApps/A.eca-meta.xml': eca('A')['A.eca-meta.xml']! });
    symlinkSync(dir, join(dir, 'force-app/externalClientApps/back-to-the-top'));
    mkdirSync(join(dir, 'force-app/z-shared'));
    symlinkSync(join(dir, 'force-app/externalClientApps/A.eca-meta.xml'), join(dir, 'force-app/z-shared/A.eca-meta.xml'));
    expect(appsOf(dir)).toEqual(['A']);
    expect(findMetadataFiles(dir).map((f) => f.path)).toEqual([join(dir, 'force-app/externalClientApps/A.eca-meta.xml')]);
  });

  it('a link whose target cannot be read is refused: it may have pointed at metadata', () => {
    const dir = folderWith(eca('A'));
    symlinkSync(join(dir, 'gone'), join(dir, 'externalClientApps'));
    expect(errorOf(() => review(dir)).message).toBe(`${join(dir, 'externalClientApps')}: is a symbolic link whose target cannot be read (ENOENT)`);
  });
});

describe('keygate review --salesforce exits 2 with one line', () => {
  it('the command function turns metadata errors into a usage error (exit 2)', async () => {
    const { io } = captured();
    await expect(runReviewCommand({ salesforce: join(FIXTURES, 'broken-xml') }, io)).rejects.toSatisfy(
      (e: unknown) => e instanceof CliError && e.exitCode === 2 && e.message.startsWith('invalid Salesforce metadata: ') && !e.message.includes('\n'),
    );
  });

  it('deep nesting is a metadata error too (exit 2), not an internal failure (exit 1)', async () => {
    const dir = folderWith({ 'x/Deep.eca-meta.xml': `<ExternalClientApplication ${NS}>${'<a>'.repeat(1000)}${'</a>'.repeat(1000)}</ExternalClientApplication>` });
    await expect(runReviewCommand({ salesforce: dir }, captured().io)).rejects.toSatisfy(
      (e: unknown) => e instanceof CliError && e.exitCode === 2 && e.message.startsWith(`invalid Salesforce metadata: ${join(dir, 'x/Deep.eca-meta.xml')}:1: `),
    );
  });

  describe('the binary', () => {
    beforeAll(ensureBuilt, 120_000);

    for (const [name, dir, expected] of [
      ['malformed XML', 'broken-xml', /^keygate: invalid Salesforce metadata: broken-xml\/externalClientApps\/Broken\.eca-meta\.xml:4: malformed XML: .+\n$/],
      ['an unknown root element', 'unknown-root', /^keygate: invalid Salesforce metadata: unknown-root\/extlClntAppGlobalOauthSets\/Wrong\.ecaGlblOauth-meta\.xml:2: unexpected root element <ConnectedApp>.+\n$/],
      ['an unreadable folder', 'no-such-folder', /^keygate: invalid Salesforce metadata: no-such-folder: cannot read the folder \(ENOENT\)\n$/],
    ] as const) {
      it(`${name}: one line on stderr, exit 2, no stack trace`, async () => {
        const run = await keygateIn(FIXTURES, ['review', '--salesforce', dir]);
        expect(run.code, run.stderr).toBe(2);
        expect(run.stdout).toBe('');
        expect(run.stderr).toMatch(expected);
        expect(run.stderr).not.toMatch(/\n\s+at /);
      });
    }

    it('a control character in a file name: exit 2, one line, shown escaped rather than sent to the terminal', async () => {
      const dir = folderWith({ 'force-app/externalClientApps/X\u001b[2J\nFAIL.eca-meta.xml': `<ExternalClientApplication ${NS}/>` });
      const run = await keygateIn(dir, ['review', '--salesforce', 'force-app']);
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toBe(
        'keygate: invalid Salesforce metadata: force-app/externalClientApps/X\\x1b[2J\\x0aFAIL.eca-meta.xml: the file or a folder above it has a control character in its name, which no Salesforce name may hold\n',
      );
    });

    it('a bad --format or --fail-on is a usage error (exit 2)', async () => {
      const format = await keygateIn(FIXTURES, ['review', '--salesforce', 'older-api', '--format', 'pdf']);
      expect([format.code, format.stderr]).toEqual([2, 'keygate: --format must be one of text, json, sarif, html, csv, not "pdf"\n']);
      const failOn = await keygateIn(FIXTURES, ['review', '--salesforce', 'older-api', '--fail-on', 'severe']);
      expect(failOn.code).toBe(2);
    });
  });
});
