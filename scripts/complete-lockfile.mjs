#!/usr/bin/env node
// Completes package-lock.json with the optional per-platform packages (DuckDB and chdb native
// builds for other systems) that `npm install` leaves out when the registry it reached does not
// serve them. Without them `npm ci` refuses the lock as out of sync. npm never fetches these
// entries on a machine whose os/cpu/libc they do not match. Run after `npm install`.
import { readFileSync, writeFileSync } from 'node:fs';

const PLATFORM = /-(darwin|linux|win32)-(x64|arm64)(?:-(gnu|musl))?$/;
const lockPath = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(lockPath, 'utf8'));
let added = 0;
for (const [where, entry] of Object.entries(lock.packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`;
    const match = PLATFORM.exec(name);
    if (lock.packages[key] || !match) continue;
    const [, os, cpu, libc] = match;
    lock.packages[key] = {
      version,
      cpu: [cpu],
      ...(entry.dev ? { dev: true } : {}),
      ...(libc || os === 'linux' ? { libc: [libc === 'musl' ? 'musl' : 'glibc'] } : {}),
      license: entry.license ?? 'MIT',
      optional: true,
      os: [os],
    };
    added++;
    console.log(`added ${key}@${version} (optional for ${os}/${cpu}${libc ? `/${libc}` : ''}), needed by ${where || 'the root'}`);
  }
}
lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
writeFileSync(lockPath, JSON.stringify(lock, null, 2) + '\n');
console.log(`${added} entries added`);
