import { promises as fs } from 'node:fs';
import path from 'node:path';
import { loadOrCreateSigningKey, loadSigningKey, rotateSigningKey, type SigningKeyPair } from '../platform/key-store';

/** File of the hub-internal key pair (the one the gateway signs subgraph calls with) inside the secrets folder. */
export const HUB_INTERNAL_KEY_FILE = 'hub-internal.json';
/** The key it replaced at the last rotation, kept (with its `notAfter`) so that subgraphs accept it during the overlap. */
export const HUB_INTERNAL_PREVIOUS_KEY_FILE = 'hub-internal.previous.json';

/**
 * Shortest overlap a rotation may have: a subgraph token lives at most 60 s, and the gateway
 * reuses one for 45 s, so a shorter overlap would refuse tokens signed a moment before the
 * rotation. Plus the 30 s the gateway may take to notice the new key.
 */
export const MIN_ROTATION_OVERLAP_MS = 2 * 60_000;

/** The gateway's key pair for signing subgraph calls. */
export type HubInternalKey = SigningKeyPair;

/**
 * The keys of the gateway's signature, by kid: the current one signs; the previous one, after a
 * rotation, is still accepted until its `notAfter`, so no call in flight is refused.
 */
export interface GatewayKeyRing {
  /** The key that signs now. */
  signing(): HubInternalKey;
  /** The key with this kid if it is still accepted now, else `undefined`. */
  accepted(kid: string): HubInternalKey | undefined;
  /**
   * Re-reads the keys (from the secrets folder, for a ring loaded from there), at most once per
   * second whatever the number of callers (a caller may wait up to a second): a verifier calls it
   * on an unknown kid, so a subgraph accepts a new key as soon as the gateway signs with it.
   */
  refresh(): Promise<void>;
}

/** A ring over fixed keys (tests, benchmarks): the first signs, every one is accepted until its `notAfter`. */
export function staticKeyRing(current: HubInternalKey, ...previous: HubInternalKey[]): GatewayKeyRing {
  const keys = [current, ...previous];
  return {
    signing: () => current,
    accepted: (kid) => keys.find((key) => key.kid === kid && isAccepted(key)),
    refresh: async () => undefined,
  };
}

function isAccepted(key: HubInternalKey, now = Date.now()): boolean {
  return !key.notAfter || key.notAfter.getTime() > now;
}

/** Loads the gateway's current key from `dir`, generating it on first use (file mode 600). */
export function loadOrCreateHubInternalKey(dir: string): Promise<HubInternalKey> {
  return loadOrCreateSigningKey(path.join(dir, HUB_INTERNAL_KEY_FILE));
}

/**
 * The ring kept in the secrets folder `dir`. The files are checked again every `checkEveryMs`
 * (a `stat` of each, re-read only when changed) and on demand, so that a rotation done by
 * `npm run key:rotate` reaches every process sharing the folder without a restart: the gateway
 * signs with the new key within `checkEveryMs`, and a subgraph that meets the new kid first
 * re-reads at once.
 */
export async function loadGatewayKeyRing(dir: string, options: { checkEveryMs?: number } = {}): Promise<GatewayKeyRing & { close(): void }> {
  const currentFile = path.join(dir, HUB_INTERNAL_KEY_FILE);
  const previousFile = path.join(dir, HUB_INTERNAL_PREVIOUS_KEY_FILE);
  let current = await loadOrCreateSigningKey(currentFile);
  let previous = await loadSigningKey(previousFile);
  let stamp = await stampOf(currentFile, previousFile);
  let lastRefresh = Date.now();
  let inFlight: Promise<void> | null = null;

  const reload = async () => {
    const now = await stampOf(currentFile, previousFile);
    if (now === stamp) return;
    const [nextCurrent, nextPrevious] = await Promise.all([loadSigningKey(currentFile), loadSigningKey(previousFile)]);
    // A current file removed by hand is not a rotation: keep signing with what was loaded.
    if (nextCurrent) current = nextCurrent;
    previous = nextPrevious;
    stamp = now;
  };
  // At most one read per second: a caller arriving sooner waits for the next one instead of being
  // skipped, so a new kid is accepted at most a second late, and a flood of unknown kids costs one read a second.
  const refresh = (): Promise<void> => {
    if (inFlight) return inFlight;
    const wait = Math.max(0, lastRefresh + 1_000 - Date.now());
    inFlight = new Promise<void>((resolve) => setTimeout(resolve, wait))
      .then(() => {
        lastRefresh = Date.now();
        return reload();
      })
      // A half-done rotation or an unreadable file keeps the keys already loaded; the next check retries.
      .catch(() => undefined)
      .finally(() => {
        inFlight = null;
      });
    return inFlight;
  };
  const timer = setInterval(() => void refresh(), options.checkEveryMs ?? 30_000);
  timer.unref();
  return {
    signing: () => current,
    accepted: (kid) => [current, previous].find((key) => key?.kid === kid && isAccepted(key)),
    refresh,
    close: () => clearInterval(timer),
  };
}

async function stampOf(...files: string[]): Promise<string> {
  const stats = await Promise.all(files.map((file) => fs.stat(file).catch(() => null)));
  return stats.map((stat) => (stat ? `${stat.ino}:${stat.mtimeMs}:${stat.size}` : '-')).join('|');
}

/**
 * Rotates the gateway's signing key in the secrets folder `dir`: a new key signs from now on; the
 * old one stays accepted for `overlapMs` (at least {@link MIN_ROTATION_OVERLAP_MS} unless
 * `allowShortOverlap`, which only tests use), then is refused.
 */
export async function rotateHubInternalKey(
  dir: string,
  overlapMs: number,
  options: { allowShortOverlap?: boolean } = {},
): Promise<{ previous: string; current: string; acceptedUntil: Date }> {
  if (!options.allowShortOverlap && overlapMs < MIN_ROTATION_OVERLAP_MS) {
    throw new RangeError(`the overlap must be at least ${MIN_ROTATION_OVERLAP_MS / 1000} s: tokens signed just before the rotation live up to 60 s`);
  }
  const acceptedUntil = new Date(Date.now() + overlapMs);
  const kids = await rotateSigningKey(path.join(dir, HUB_INTERNAL_KEY_FILE), path.join(dir, HUB_INTERNAL_PREVIOUS_KEY_FILE), overlapMs);
  return { ...kids, acceptedUntil };
}
