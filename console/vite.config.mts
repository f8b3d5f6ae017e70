import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { defineConfig, type Plugin } from 'vite';

/** The console's name towards the hub: its requests carry it, and its manifest is registered under it. */
const CLIENT_NAME = 'frontera-console';

const here = path.dirname(new URL(import.meta.url).pathname);

/**
 * Emits `<CLIENT_NAME>.json`, an Apollo persisted-query manifest of every operation the console
 * can send, from the persisted documents GraphQL Code Generator wrote. The hub registers it as
 * the console's trusted documents (TRUSTED_DOCUMENTS=enforce); a body whose id is not its SHA-256
 * stops the build rather than the hub.
 */
function trustedDocumentManifest(): Plugin {
  return {
    name: 'frontera-trusted-document-manifest',
    generateBundle() {
      const documents = JSON.parse(readFileSync(path.join(here, 'src/gql/persisted-documents.json'), 'utf8')) as Record<string, string>;
      const operations = Object.entries(documents).map(([key, body]) => {
        // codegen writes `sha256:<hex>`; the hub's manifests carry the hex alone.
        const id = key.replace(/^sha256:/, '');
        const [, type, name] = /^\s*(query|mutation|subscription)\s+(\w+)/.exec(body) ?? [];
        if (!type || !name) throw new Error(`persisted document ${id} is not a named operation`);
        if (createHash('sha256').update(body, 'utf8').digest('hex') !== id) throw new Error(`persisted document ${name}: id is not the SHA-256 of its body`);
        return { id, name, type, body };
      });
      operations.sort((a, b) => a.name.localeCompare(b.name));
      this.emitFile({ type: 'asset', fileName: `${CLIENT_NAME}.json`, source: `${JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 1, operations }, null, 2)}\n` });
    },
  };
}

export default defineConfig({
  root: here,
  base: '/console/',
  // No @vitejs/plugin-react: Vite compiles TSX with oxc, React's automatic runtime.
  oxc: { jsx: { runtime: 'automatic' } },
  define: { __CLIENT_NAME__: JSON.stringify(CLIENT_NAME), __CLIENT_VERSION__: JSON.stringify(process.env.npm_package_version ?? 'dev') },
  build: {
    outDir: path.join(here, '../dist/console'),
    emptyOutDir: true,
    // One script, one stylesheet: the CSP allows only 'self', no inline code.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    reportCompressedSize: true,
    target: 'es2022',
  },
  plugins: [trustedDocumentManifest()],
  logLevel: 'warn',
});
