// Shared by `npm start` and `npm test`: install npm dependencies when they are missing or stale, then
// load TypeScript through tsx. Plain JavaScript so it runs before anything is installed.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function depsFresh() {
  const marker = join(root, 'node_modules', '.package-lock.json');
  const lock = join(root, 'package-lock.json');
  return existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs;
}

export async function bootstrap() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 19)) {
    console.error(`Dalgona needs Node.js 20.19 or newer (this is ${process.versions.node}).`);
    process.exit(1);
  }
  if (!depsFresh()) {
    console.log('Installing npm dependencies (npm ci)…');
    const npm = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
    if (npm.status !== 0) process.exit(npm.status ?? 1);
  }
  const { register } = await import('tsx/esm/api');
  register();
}
