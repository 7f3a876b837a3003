// Bundles src/extension.ts and vscode-languageclient into dist/extension.js.
import { build } from 'esbuild';

await build({
  entryPoints: ['src/extension.ts'],
  bundle: true,
  outfile: 'dist/extension.js',
  external: ['vscode'],
  format: 'cjs',
  platform: 'node',
  target: 'node18',
  minify: process.argv.includes('--minify'),
  sourcemap: process.argv.includes('--sourcemap'),
  logLevel: 'info',
});
