import { existsSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import type { KubernetesObject } from './render';

/**
 * What the API schemas of kubernetes-models let through: fields they do not know (the JSON
 * schemas allow extra properties, so a misspelt `readinesProbe` would pass). The same package's
 * TypeScript interfaces are exact, and TypeScript refuses an object literal with a property its
 * type lacks: each object is compiled as a literal of its kind's interface (`IDeployment`, …),
 * and every compiler error is reported with the object it is in. Objects of a kind the package
 * has no interface for (custom resources) are left out; the caller checks them otherwise.
 */
export function typeErrors(objects: KubernetesObject[], packageRoot: string): string[] {
  const modelsDir = path.join(packageRoot, 'node_modules', 'kubernetes-models');
  const typed = objects.filter((o) => existsSync(path.join(modelsDir, o.apiVersion, `${o.kind}.d.ts`)));
  // One object per line, so that a diagnostic's line says which object it is about.
  const imports = typed.map((o, i) => `import type { I${o.kind} as T${i} } from 'kubernetes-models/${o.apiVersion}/${o.kind}';`);
  const literals = typed.map((o, i) => `export const o${i}: T${i} = ${JSON.stringify(o)};`);
  const source = [...imports, ...literals].join('\n');
  // An ES module (.mts): kubernetes-models exports its types under the `import` condition only.
  const file = path.join(packageRoot, 'deploy', 'kubernetes', '__rendered-manifests__.mts');
  const options: ts.CompilerOptions = { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, strict: true, noEmit: true, skipLibCheck: true, types: [] };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (name, version, ...rest) => (name === file ? ts.createSourceFile(name, source, version) : getSourceFile.call(host, name, version, ...rest));
  host.fileExists = (name) => name === file || fileExists.call(host, name);
  host.readFile = (name) => (name === file ? source : readFile.call(host, name));
  const program = ts.createProgram([file], options, host);
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    if (diagnostic.file?.fileName !== file || diagnostic.start === undefined) return message;
    const line = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line;
    const object = typed[line - imports.length];
    return object ? `${object.kind}/${object.metadata.name}: ${message}` : message;
  });
}
