// The size limit of a thread's work dir. A bind mount cannot be sized, so the work dir lives in a sparse ext4 image
// (`<workDir>.img`) loop-mounted on the host at workDir while the sandbox runs: the filesystem itself enforces the
// limit (ENOSPC), instantly and exactly, and a full disk hurts only that thread. The image survives kernel restarts
// and sandbox stops; a sparse file costs only the blocks really written.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rmdir, truncate, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { SandboxError } from '../kernel/kernel-errors.js';

const run = promisify(execFile);

/** A mounted work dir image. */
export interface MountedWorkDir {
  imagePath: string;
  unmount(): Promise<void>;
}

/** The image file backing workDir. */
export function workDirImagePath(workDir: string): string {
  return `${resolve(workDir)}.img`;
}

/** Creates (first time) and loop-mounts the image of workDir with sizeMb; reuses a mount left by a crash. */
export async function mountWorkDirImage(workDir: string, sizeMb: number): Promise<MountedWorkDir> {
  const target = resolve(workDir);
  const imagePath = workDirImagePath(target);
  const unmount = (): Promise<void> => unmountQuietly(target);
  try {
    await mkdir(target, { recursive: true });
    if (await isMountPoint(target)) return { imagePath, unmount };
    const created = !existsSync(imagePath);
    if (created) await createImage(imagePath, sizeMb, target);
    await mountImage(imagePath, target);
    // mkfs always makes lost+found; the sandbox user has no use for a root-owned directory in its work dir.
    if (created) await rmdir(join(target, 'lost+found')).catch(() => undefined);
    return { imagePath, unmount };
  } catch (error) {
    throw new SandboxError('work_dir_failed', `cannot mount the work dir image ${imagePath} on ${target}`, {
      cause: error,
    });
  }
}

// One mkfs, no staging mount: files already in the work dir (seeded before the first start) are copied into the
// image by mkfs itself (-d), so they are not hidden by the mount. A cold start of a new thread pays this.
async function createImage(imagePath: string, sizeMb: number, workDir: string): Promise<void> {
  await writeFile(imagePath, '', { mode: 0o600 });
  await truncate(imagePath, sizeMb * 1024 * 1024);
  // -m 0: no blocks reserved for root (the sandbox user would never get them); root_owner: the image's root dir
  // is owned by the uid that bwrap maps to the sandbox user.
  await run('mkfs.ext4', [
    '-q',
    '-F',
    '-m',
    '0',
    '-d',
    workDir,
    '-E',
    `root_owner=${process.getuid?.() ?? 0}:${process.getgid?.() ?? 0}`,
    imagePath,
  ]);
}

async function mountImage(imagePath: string, target: string): Promise<void> {
  await run('mount', ['-o', 'loop,nosuid,nodev', imagePath, target]);
}

async function unmountQuietly(target: string): Promise<void> {
  if (!(await isMountPoint(target))) return;
  // A process still holding a file (host tooling listing the dir) must not make stop() fail: lazy unmount.
  await run('umount', [target]).catch(() => run('umount', ['-l', target]).catch(() => undefined));
}

async function isMountPoint(path: string): Promise<boolean> {
  const mountinfo = await readFile('/proc/self/mountinfo', 'utf8');
  return mountinfo.split('\n').some((line) => line.split(' ')[4] === path);
}
