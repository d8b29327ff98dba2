// Lays out the npm packages for `npm pack`: the `cloudwerk-lsp` launcher package
// (npm/cloudwerk-lsp, version and optionalDependencies stamped here) and one
// `@cloudwerk-lsp/<os>-<cpu>` package per built binary, with os/cpu fields so npm
// installs only the one that matches the machine.
//
//   node dist/packages.mjs REPO VERSION TARGETS_FILE BIN_DIR OUT_DIR
// TARGETS_FILE lines: "<name> <goos> <goarch> <exe>", name being <node platform>-<node arch>.
import { chmodSync, copyFileSync, cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [repo, version, targetsFile, binDir, outDir] = process.argv.slice(2);
if (outDir === undefined) {
  console.error('usage: node dist/packages.mjs REPO VERSION TARGETS_FILE BIN_DIR OUT_DIR');
  process.exit(2);
}
const SCOPE = '@cloudwerk-lsp';
const licence = join(repo, 'editors', 'vscode', 'LICENSE');
const launcher = JSON.parse(readFileSync(join(repo, 'npm', 'cloudwerk-lsp', 'package.json'), 'utf8'));
const repository = (directory) => ({ ...launcher.repository, directory });

const writeJSON = (file, value) => writeFileSync(file, JSON.stringify(value, null, 2) + '\n');

const targets = readFileSync(targetsFile, 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => {
    const [name, goos, goarch, exe] = l.trim().split(/\s+/);
    const [os, cpu] = name.split('-');
    return { name, goos, goarch, exe, os, cpu, pkg: `${SCOPE}/${name}` };
  });

for (const t of targets) {
  const dir = join(outDir, t.name);
  mkdirSync(join(dir, 'bin'), { recursive: true });
  copyFileSync(join(binDir, t.name, t.exe), join(dir, 'bin', t.exe));
  chmodSync(join(dir, 'bin', t.exe), 0o755);
  copyFileSync(join(binDir, t.name, 'THIRD_PARTY_NOTICES.md'), join(dir, 'THIRD_PARTY_NOTICES.md'));
  copyFileSync(licence, join(dir, 'LICENSE'));
  writeFileSync(
    join(dir, 'README.md'),
    `# ${t.pkg}\n\nThe \`cloudwerk-lsp\` ${version} binary for ${t.os} on ${t.cpu} (Go ${t.goos}/${t.goarch}).\n\n` +
      `Do not install this package directly: install [\`cloudwerk-lsp\`](https://www.npmjs.com/package/cloudwerk-lsp), ` +
      'which depends on it optionally and runs it.\n\n`THIRD_PARTY_NOTICES.md` lists the licences of the code inside the binary.\n',
  );
  writeJSON(join(dir, 'package.json'), {
    name: t.pkg,
    version,
    description: `The cloudwerk-lsp binary for ${t.name}; installed through the cloudwerk-lsp package.`,
    license: launcher.license,
    repository: repository('npm/cloudwerk-lsp'),
    os: [t.os],
    cpu: [t.cpu],
    files: [`bin/${t.exe}`, 'THIRD_PARTY_NOTICES.md', 'README.md', 'LICENSE'],
    // Yarn PnP must unpack it: a binary cannot run from inside a zip.
    preferUnplugged: true,
  });
}

const main = join(outDir, 'cloudwerk-lsp');
cpSync(join(repo, 'npm', 'cloudwerk-lsp'), main, { recursive: true });
copyFileSync(licence, join(main, 'LICENSE'));
chmodSync(join(main, 'bin', 'cloudwerk-lsp.js'), 0o755);
launcher.version = version;
launcher.optionalDependencies = Object.fromEntries(targets.map((t) => [t.pkg, version]));
writeJSON(join(main, 'package.json'), launcher);
