import { execFileSync } from 'node:child_process';
import { existsSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../platform/config';

/** A baseline commit, checked out and compiled, ready to be started as a stack of its own. */
export interface Baseline {
  /** The full commit id. */
  commit: string;
  /** First line of its message. */
  subject: string;
  dir: string;
  /** Its compiled bench/stack.js, driven over the same IPC protocol as this tree's. */
  script: string;
  /** How its dependencies were provided. */
  install: 'node_modules symlinked (same package-lock.json)' | 'npm ci (package-lock.json differs)';
  /** Whether the baseline is an ancestor of HEAD (its migrations then are a subset of this tree's). */
  ancestor: boolean;
}

const git = (args: string[], cwd = repoRoot) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

/**
 * `BENCH_BASELINE=<commit>`: a detached git worktree of that commit under
 * `<tmp>/frontera-bench-baseline/<commit>`, its dependencies (this tree's node_modules, symlinked, when
 * the lockfiles are the same; else `npm ci` there) and its compiled code (`tsc -p
 * tsconfig.build.json`). Kept after the run, marked as built, so the next run against the same
 * commit starts at once (`git worktree remove <dir>` removes it).
 */
export function prepareBaseline(ref: string, say: (line: string) => void): Baseline {
  const commit = git(['rev-parse', '--verify', `${ref}^{commit}`]);
  const fullSubject = git(['log', '-1', '--format=%s', commit]);
  const subject = fullSubject.length > 80 ? `${fullSubject.slice(0, 79)}…` : fullSubject;
  // Outside the repository, where jest, dependency-cruiser and tsc never look.
  const dir = path.join(os.tmpdir(), 'frontera-bench-baseline', commit.slice(0, 12));
  const built = path.join(dir, '.bench-built');
  const script = path.join(dir, 'dist', 'bench', 'stack.js');
  const sameLock = (() => {
    try {
      git(['diff', '--quiet', commit, '--', 'package-lock.json']);
      return true;
    } catch {
      return false;
    }
  })();
  const install = sameLock ? 'node_modules symlinked (same package-lock.json)' : 'npm ci (package-lock.json differs)';
  let ancestor = true;
  try {
    git(['merge-base', '--is-ancestor', commit, 'HEAD']);
  } catch {
    ancestor = false;
  }
  if (existsSync(built) && existsSync(script)) {
    say(`baseline ${commit.slice(0, 12)} already built in ${dir}`);
    return { commit, subject, dir, script, install, ancestor };
  }
  if (existsSync(dir)) {
    // A build that did not finish: start over.
    try {
      git(['worktree', 'remove', '--force', dir]);
    } catch {
      rmSync(dir, { recursive: true, force: true });
      git(['worktree', 'prune']);
    }
  }
  const started = Date.now();
  // A worktree whose folder the system cleared from its temporary folder is still registered until pruned.
  git(['worktree', 'prune']);
  git(['worktree', 'add', '--detach', dir, commit]);
  if (sameLock) symlinkSync(realpathSync(path.join(repoRoot, 'node_modules')), path.join(dir, 'node_modules'), 'dir');
  else execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: dir, stdio: 'inherit' });
  execFileSync(process.execPath, [path.join(dir, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: dir, stdio: 'inherit' });
  if (!existsSync(script)) throw new Error(`baseline ${commit.slice(0, 12)} has no bench/stack.ts (the stack process the bench drives): pick a later commit`);
  writeFileSync(built, `${new Date().toISOString()}\n`);
  say(`baseline ${commit.slice(0, 12)} checked out and built in ${dir} (${install}; ${((Date.now() - started) / 1000).toFixed(0)} s)`);
  return { commit, subject, dir, script, install, ancestor };
}
