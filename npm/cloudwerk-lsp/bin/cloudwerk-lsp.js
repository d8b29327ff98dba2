#!/usr/bin/env node
// The npm entry point: finds the prebuilt binary in the platform package npm
// installed through optionalDependencies (@cloudwerk-lsp/<os>-<cpu>) and runs it
// with the same arguments, stdio and exit status. No install script, no download.
'use strict';

const { spawnSync } = require('node:child_process');
const path = require('node:path');

// process.platform + process.arch -> the package that carries that binary.
const PLATFORMS = {
  'linux x64': '@cloudwerk-lsp/linux-x64',
  'linux arm64': '@cloudwerk-lsp/linux-arm64',
  'darwin x64': '@cloudwerk-lsp/darwin-x64',
  'darwin arm64': '@cloudwerk-lsp/darwin-arm64',
  'win32 x64': '@cloudwerk-lsp/win32-x64',
};

const FROM_SOURCE = 'go install github.com/cloudwerk/cloudwerk-lsp/cmd/cloudwerk-lsp@latest';

function fail(lines) {
  process.stderr.write(`cloudwerk-lsp: ${lines.join('\n  ')}\n`);
  process.exit(2);
}

function binaryPath() {
  const platform = `${process.platform}-${process.arch}`;
  const pkg = PLATFORMS[`${process.platform} ${process.arch}`];
  if (pkg === undefined) {
    fail([
      `no prebuilt binary for ${platform}.`,
      `Prebuilt binaries exist for: ${Object.values(PLATFORMS).map((p) => p.split('/')[1]).join(', ')}.`,
      `Build it from source instead (Go with cgo): ${FROM_SOURCE}`,
    ]);
  }
  let dir;
  try {
    dir = path.dirname(require.resolve(`${pkg}/package.json`));
  } catch {
    fail([
      `the package ${pkg} with the binary for ${platform} is not installed.`,
      'npm skips it when optional dependencies are omitted (--omit=optional, --no-optional) or when',
      'node_modules was installed on another platform. Reinstall on this machine with optional dependencies:',
      '  npm install --include=optional',
    ]);
  }
  return path.join(dir, 'bin', process.platform === 'win32' ? 'cloudwerk-lsp.exe' : 'cloudwerk-lsp');
}

// CLOUDWERK_LSP_BINARY points the launcher at another build (for testing a local one).
const bin = process.env.CLOUDWERK_LSP_BINARY || binaryPath();
const result = spawnSync(bin, process.argv.slice(2), { stdio: 'inherit', windowsHide: true });
if (result.error) {
  fail([`cannot run ${bin}: ${result.error.message}`]);
}
if (result.signal) {
  // Die the way the binary did, so callers see the same signal.
  process.kill(process.pid, result.signal);
}
process.exit(result.status ?? 1);
