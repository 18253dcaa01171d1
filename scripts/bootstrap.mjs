// Shared by `npm start` and `npm test`: install npm dependencies when they are missing or stale, then
// load TypeScript through tsx. Plain JavaScript so it runs before anything is installed.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const marker = join(root, 'node_modules', '.package-lock.json');
const lockHashFile = join(root, 'node_modules', '.dalgona-lock.sha256');
const lockHash = () =>
  createHash('sha256')
    .update(readFileSync(join(root, 'package-lock.json')))
    .digest('hex');

// Fresh when the lock file's content is the one installed. A checkout (a clone, a git worktree) gives the lock file a
// new mtime without changing it, so an mtime comparison alone would reinstall — and through a node_modules shared by
// a symlink, wipe another checkout's modules while it runs. The mtime rule is only the fallback before the first
// recorded install.
function depsFresh() {
  if (!existsSync(marker)) return false;
  if (existsSync(lockHashFile)) return readFileSync(lockHashFile, 'utf8').trim() === lockHash();
  const fresh = statSync(marker).mtimeMs >= statSync(join(root, 'package-lock.json')).mtimeMs;
  if (fresh) writeFileSync(lockHashFile, lockHash());
  return fresh;
}

export async function bootstrap() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 19)) {
    console.error(`Dalgona needs Node.js 20.19 or newer (this is ${process.versions.node}).`);
    process.exit(1);
  }
  // A node_modules linked from another checkout (a git worktree sharing the main one's) is that checkout's to install:
  // installing here would replace it under the other checkout's feet.
  const shared =
    existsSync(join(root, 'node_modules')) && lstatSync(join(root, 'node_modules')).isSymbolicLink();
  if (shared && !depsFresh())
    console.log('node_modules is linked from another checkout: not reinstalling it here.');
  else if (!depsFresh()) {
    console.log('Installing npm dependencies (npm ci)…');
    const npm = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
    if (npm.status !== 0) process.exit(npm.status ?? 1);
    writeFileSync(lockHashFile, lockHash());
  }
  const { register } = await import('tsx/esm/api');
  register();
}
