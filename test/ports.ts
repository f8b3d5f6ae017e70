import net from 'node:net';

/** Whether `port` on 127.0.0.1 (where every server of the hub, embedded PostgreSQL included, listens) is free right now. */
function free(port: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const server = net.createServer().once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * A base port in `[from, to)` such that base + each offset is free right now, for a process
 * started with fixed ports (`npm start` binds the gateway's and the subgraphs' ports together).
 */
export async function freePortBlock(offsets: readonly number[], from = 20_000, to = 40_000): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const base = from + Math.floor(Math.random() * (to - from));
    let allFree = true;
    for (const offset of offsets) if (!(allFree = await free(base + offset))) break;
    if (allFree) return base;
  }
  throw new Error(`no free block of ports found from ${from} to ${to}`);
}

/** One port that is free right now, from 30 000 to 50 000 (away from the blocks above). */
export function freePort(): Promise<number> {
  return freePortBlock([0], 30_000, 50_000);
}
