// Builds the extension and packages it as a .vsix with @vscode/vsce.
//
//   node scripts/package.mjs                      # bundles ../../target/release/specgate if built
//   node scripts/package.mjs --server PATH        # bundles that binary
//   node scripts/package.mjs --no-server          # universal .vsix without a binary (uses PATH)
//   node scripts/package.mjs --out FILE.vsix
//
// With a binary, it is copied to bin/<platform>-<arch>/specgate and the .vsix is
// platform-specific (vsce --target linux-x64 etc.); the extension runs it when
// `specgate.server.path` is empty.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const repo = path.resolve(here, '..', '..');
const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const noServer = args.includes('--no-server');
const server = noServer ? undefined : opt('--server') ?? path.join(repo, 'target', 'release', 'specgate');
const pkg = JSON.parse(fs.readFileSync(path.join(here, 'package.json'), 'utf8'));

// vsce's target names: win32-x64, linux-x64, linux-arm64, darwin-arm64, ...
const target = `${process.platform}-${process.arch}`;
fs.rmSync(path.join(here, 'bin'), { recursive: true, force: true });
let vsceTarget = [];
if (server) {
  if (!fs.existsSync(server)) {
    console.error(`package: no server binary at ${server}: build it (cargo build --release) or pass --server PATH or --no-server`);
    process.exit(1);
  }
  const dest = path.join(here, 'bin', target, process.platform === 'win32' ? 'specgate.exe' : 'specgate');
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  fs.copyFileSync(server, dest);
  fs.chmodSync(dest, 0o755);
  vsceTarget = ['--target', target];
  console.log(`package: bundled ${server} as ${path.relative(here, dest)}`);
}
const out = opt('--out') ?? path.join(here, `${pkg.name}-${pkg.version}${server ? `-${target}` : ''}.vsix`);

const bin = (name) => path.join(here, 'node_modules', '.bin', name);
execFileSync(process.execPath, [path.join(here, 'scripts', 'build.mjs'), '--minify'], { cwd: here, stdio: 'inherit' });
execFileSync(bin('vsce'), ['package', ...vsceTarget, '--out', out], { cwd: here, stdio: 'inherit' });
console.log(`package: ${out}`);
