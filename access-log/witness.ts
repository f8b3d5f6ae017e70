import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { SignedHead } from './signing';

// The witness: every signed head, mirrored outside the database as the writer stores it, so that
// `audit:verify --witness` can tell a chain's tail or a whole chain deleted together with its
// heads (which the database's owner can do) from a chain that never went further.

/** The witness folder of one database: heads of different databases never mix. */
export function witnessDir(root: string, server: { database: string }): string {
  return path.join(root, server.database.replace(/[^\w.-]/g, '_'));
}

/** The witness file of one writer: one JSON head per line, appended and flushed to disk in order. */
export function witnessFile(dir: string, writer: string): string {
  return path.join(dir, `${writer.replace(/[^\w.-]/g, '_')}.jsonl`);
}

export interface WitnessWriter {
  /** Appends `heads` and flushes them to disk; resolves once they are durable. */
  append(heads: readonly SignedHead[]): Promise<void>;
  /** The last head this writer's witness holds (from earlier runs too), if any. */
  lastHead(): SignedHead | null;
  close(): Promise<void>;
}

/** Opens (creating it, mode 600) the witness file of `writer` in `dir` for appending. */
export async function openWitness(dir: string, writer: string): Promise<WitnessWriter> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const location = witnessFile(dir, writer);
  const earlier = existsSync(location) ? readFileSync(location, 'utf8') : '';
  let last: SignedHead | null = parseHeads(earlier, path.basename(location)).at(-1) ?? null;
  const file: FileHandle = await open(location, 'a', 0o600);
  // A line cut short by a crash is closed, so the next head starts a line of its own.
  let tail: Promise<void> = earlier && !earlier.endsWith('\n') ? file.appendFile('\n', 'utf8') : Promise.resolve();
  return {
    lastHead: () => last,
    append(heads) {
      if (!heads.length) return tail;
      last = heads[heads.length - 1];
      const text = heads.map((head) => `${JSON.stringify(head)}\n`).join('');
      // One append at a time, so lines never interleave and stay in signing order.
      tail = tail.then(async () => {
        await file.appendFile(text, 'utf8');
        await file.datasync();
      });
      return tail;
    },
    async close() {
      await tail.catch(() => undefined);
      await file.close();
    },
  };
}

/** Every head in the witness folder (all writers); a line that is not a head is an error naming the file and line. */
export function readWitness(dir: string): SignedHead[] {
  return readdirSync(dir)
    .filter((n) => n.endsWith('.jsonl'))
    .sort()
    .flatMap((name) => parseHeads(readFileSync(path.join(dir, name), 'utf8'), name));
}

/** The heads of one witness file's text (`name` for errors), in the order they were appended. */
function parseHeads(text: string, name: string): SignedHead[] {
  const heads: SignedHead[] = [];
  const lines = text.split('\n');
  lines.forEach((line, index) => {
    if (!line.trim()) return;
    // A crash can cut a line short (the last, or one closed by the next start): anything else
    // unreadable is a damaged witness.
    let head: SignedHead;
    try {
      head = JSON.parse(line) as SignedHead;
    } catch {
      if (index === lines.length - 1 || !line.trimEnd().endsWith('}')) return;
      throw new Error(`witness ${name} line ${index + 1} is not JSON`);
    }
    if (typeof head?.chainId !== 'string' || typeof head.seq !== 'number' || typeof head.signature !== 'string') throw new Error(`witness ${name} line ${index + 1} is not a signed head`);
    heads.push(head);
  });
  return heads;
}
