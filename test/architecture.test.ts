import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(name) && !name.endsWith('.test.ts') ? [full] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/gm), ...text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]!);
}

/** Which top-level folder of src/ an import lands in, or the package it names. */
function target(file: string, specifier: string): string {
  if (!specifier.startsWith('.')) return specifier;
  const resolved = path.relative(path.join(ROOT, 'src'), path.resolve(path.dirname(file), specifier));
  return resolved.split(path.sep)[0]!;
}

const PURE = ['core', 'sql'];
const ALLOWED: Record<string, readonly string[]> = {
  core: ['core'],
  sql: ['core', 'sql'],
  engine: ['core', 'sql', 'engine'],
  ingest: ['core', 'sql', 'engine', 'ingest'],
  lifecycle: ['core', 'sql', 'engine', 'ingest', 'lifecycle'],
  attribution: ['core', 'sql', 'engine', 'ingest', 'attribution'],
  records: ['core', 'sql', 'engine', 'ingest', 'lifecycle', 'records'],
  reports: ['core', 'sql', 'engine', 'ingest', 'lifecycle', 'attribution', 'reports'],
  access: ['core', 'sql', 'engine', 'access'],
  scoring: ['core', 'sql', 'engine', 'ingest', 'lifecycle', 'scoring'],
  http: ['core', 'sql', 'engine', 'ingest', 'lifecycle', 'attribution', 'reports', 'records', 'access', 'scoring', 'http'],
  cli: ['core', 'sql', 'engine', 'ingest', 'lifecycle', 'attribution', 'reports', 'records', 'access', 'scoring', 'http', 'cli'],
  // The dashboard runs in the browser: it knows the API by its JSON and shares only pure core vocabulary.
  web: ['core', 'web'],
};

describe('architecture', () => {
  for (const folder of PURE) {
    const files = sourceFiles(path.join(ROOT, 'src', folder));
    it(`finds the ${folder} sources it checks (a scan of nothing would prove nothing)`, () => {
      expect(files.length).toBeGreaterThan(3);
    });
    it(`keeps src/${folder} free of I/O: no node:* module, no driver, no environment, no clock, no randomness`, () => {
      const offences: string[] = [];
      for (const file of files) {
        const rel = path.relative(ROOT, file);
        for (const spec of importsOf(file)) {
          if (!spec.startsWith('.')) offences.push(`${rel} imports ${spec}`);
        }
        // clock.ts is the one place that defines the system clock, for the outer layers to pass in.
        if (rel.endsWith(path.join('core', 'clock.ts'))) continue;
        const text = readFileSync(file, 'utf8');
        for (const forbidden of ['process.env', 'Date.now(', 'Math.random(', 'process.pid']) {
          if (text.includes(forbidden)) offences.push(`${rel} uses ${forbidden}`);
        }
      }
      expect(offences).toEqual([]);
    });
  }

  it('keeps ingest/mappings pure except its file loader', () => {
    // load.ts reads files; sql.ts compiles through the dialect: both are outside the pure part.
    const files = sourceFiles(path.join(ROOT, 'src/ingest/mappings')).filter((f) => !f.endsWith('load.ts') && !f.endsWith('choose.ts'));
    expect(files.length).toBeGreaterThan(2);
    const offences = files.flatMap((f) => importsOf(f).filter((s) => s.startsWith('node:')).map((s) => `${path.relative(ROOT, f)} imports ${s}`));
    expect(offences).toEqual([]);
  });

  it('knows every folder of src (a new one must be placed in the dependency order)', () => {
    const folders = readdirSync(path.join(ROOT, 'src'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    expect(folders.filter((f) => !(f in ALLOWED))).toEqual([]);
  });

  it('points every dependency one way: core ← sql ← engine ← ingest ← lifecycle | attribution ← reports ← http ← cli', () => {
    const offences: string[] = [];
    for (const [folder, allowed] of Object.entries(ALLOWED)) {
      for (const file of sourceFiles(path.join(ROOT, 'src', folder))) {
        for (const spec of importsOf(file)) {
          if (!spec.startsWith('.')) continue;
          const to = target(file, spec);
          if (!allowed.includes(to)) offences.push(`${path.relative(ROOT, file)} (${folder}) imports ${spec} (${to})`);
        }
      }
    }
    expect(offences).toEqual([]);
  });
});
