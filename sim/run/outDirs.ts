/**
 * Making the folders a command writes into, and saying why when the file system refuses: a
 * `--out` that cannot be created is bad input (exit 2), found before any work.
 */
import { mkdirSync, rmdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** `--out` (or a file to write) cannot be created: bad input, found before any simulating. */
export class OutDirError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
    this.name = 'OutDirError';
  }
}

export function why(e: unknown, at: string): string {
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOTDIR':
      return `${at} is below a file, not a directory`;
    case 'EACCES':
    case 'EPERM':
      return `permission denied creating ${at}`;
    case 'EROFS':
      return `read-only file system at ${at}`;
    case 'ENOSPC':
      return `no space left creating ${at}`;
    case 'ENOENT':
      return `cannot create ${at} (the file system refuses new entries there)`;
    default:
      return `cannot create ${at}: ${code ?? (e as Error).message}`;
  }
}

/**
 * `mkdir -p` that ends on the first failure: one non-recursive mkdir per missing level, from the
 * nearest existing ancestor down (Node's recursive mkdir can retry forever, e.g. under /proc).
 * Returns the topmost directory it created (undefined if none); throws OutDirError.
 */
export function makeDirs(path: string, label = path): string | undefined {
  const dir = resolve(path);
  const missing: string[] = [];
  let at = dir;
  for (;;) {
    let st;
    try {
      st = statSync(at);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // ENOTDIR: a file on the way up; the walk finds it and says so.
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw new OutDirError(label, why(e, at));
      missing.unshift(at);
      const up = dirname(at);
      if (up === at) break;
      at = up;
      continue;
    }
    if (!st.isDirectory()) throw new OutDirError(label, `${at} is a file, not a directory`);
    break;
  }
  for (const m of missing) {
    try {
      mkdirSync(m);
    } catch (e) {
      if (missing[0] !== m) removeEmptyDirs(missing[0], m);
      throw new OutDirError(label, why(e, m));
    }
  }
  return missing[0];
}

/** Removes `leaf`'s empty directories up to and including `top` (what makeDirs created). */
export function removeEmptyDirs(top: string | undefined, leaf: string): void {
  if (!top) return;
  for (let d = dirname(leaf); ; d = dirname(d)) {
    try {
      rmdirSync(d);
    } catch {
      return;
    }
    if (d === top || dirname(d) === d) return;
  }
}
