// Wand's command line, bundled: esbuild turns the TypeScript sources into plain JavaScript under dist/, so a
// command starts without compiling ~20k lines of TypeScript through tsx first (measured: `wand --help` 0.56 s
// with tsx, ~0.1 s bundled). `npm ci` builds it (the `prepare` script); `wand` rebuilds it whenever a source
// is newer than the build, so neither a user nor a test ever runs a stale bundle.
//
// Each build goes to its own directory named by its content, and dist/manifest.json (replaced atomically)
// names the current one, when it started and which files went into it. Processes that build at the same time
// cannot mix files of different builds, and a build started before a source changed is never taken as fresh.
// A process marks the build it runs from (its chunks load lazily, e.g. a server's hours later), and an old
// build is removed only once no live process has marked it.
//
// Plain JavaScript: it runs before anything could compile TypeScript.

import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { threadId } from 'node:worker_threads';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST = join(ROOT, 'dist');
const MANIFEST = join(DIST, 'manifest.json');
// The command line, and the entries of the candidate-simulation and type-checker threads (a worker thread loads its own modules).
export const ENTRIES = ['src/cli/main.ts', 'src/select/sim-worker-main.ts', 'src/check/check-worker-main.ts'];
// A build being written (or just replaced) is left alone this long, whoever uses it.
const KEEP_NEW_BUILDS_MS = 60_000;
const IN_USE = '.in-use-';

const EXTERNAL = ['typescript', 'esbuild', 'tsx', '@jitl/*', 'quickjs-emscripten-core', 'bufferutil', 'utf-8-validate'];
const COMMONJS_EXTERNAL = ['typescript', 'esbuild'];

/** Files read when building that are not modules of the bundle: this script and the package's settings. */
const BUILD_INPUTS = ['bin/bundle.js', 'package.json', 'tsconfig.json'];

/**
 * The file URL of a bundled entry ('main', 'sim-worker-main' or 'check-worker-main') when the bundle is current, else null.
 * @param {string} name
 */
export function freshBundle(name = 'main') {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(MANIFEST, 'utf8'));
  } catch {
    return null;
  }
  if (typeof manifest?.startedAt !== 'number' || !Array.isArray(manifest.inputs) || typeof manifest.dir !== 'string') return null;
  for (const input of manifest.inputs) {
    try {
      if (statSync(join(ROOT, input)).mtimeMs >= manifest.startedAt) return null;
    } catch {
      return null; // a source was removed or renamed
    }
  }
  return pathToFileURL(join(DIST, manifest.dir, `${name}.js`)).href;
}

/**
 * Marks the build an entry belongs to as used by this process (see removeOldBuilds).
 * @param {string} entryUrl
 */
export function useBuild(entryUrl) {
  const marker = join(dirname(fileURLToPath(entryUrl)), `${IN_USE}${process.pid}-${threadId}`);
  try {
    writeFileSync(marker, '');
    // Markers of processes that died without exiting (kill -9) are ignored, and removed with their build.
    process.on('exit', () => rmSync(marker, { force: true }));
  } catch {
    // a read-only checkout: nothing removes builds there either
  }
}

/** @param {string} dir */
function inUse(dir) {
  return readdirSync(dir).some((name) => {
    if (!name.startsWith(IN_USE)) return false;
    try {
      process.kill(Number(name.slice(IN_USE.length).split('-')[0]), 0);
      return true;
    } catch (err) {
      return /** @type {NodeJS.ErrnoException} */ (err).code === 'EPERM'; // alive, someone else's
    }
  });
}

/**
 * Each bundled module keeps its own `import.meta.url` (its source file's), so what it opens beside itself
 * (worker entries, prompt texts, the page sources) is found exactly as when it runs from source.
 * @param {string} outdir
 */
function sourceUrls(outdir) {
  return {
    name: 'wand-source-urls',
    /** @param {import('esbuild').PluginBuild} build */
    setup(build) {
      build.onLoad({ filter: /\.(ts|js)$/ }, (args) => {
        if (args.path.includes(`${sep}node_modules${sep}`)) return undefined;
        const contents = readFileSync(args.path, 'utf8');
        if (!contents.includes('import.meta.url')) return undefined;
        const fromOutput = relative(outdir, args.path).split(sep).join('/');
        return {
          contents: contents.replaceAll('import.meta.url', `new URL(${JSON.stringify(fromOutput)}, import.meta.url).href`),
          loader: args.path.endsWith('.ts') ? 'ts' : 'js',
        };
      });
    },
  };
}

/**
 * External CommonJS packages are loaded with require(), not import: importing CommonJS from an ES module
 * makes Node scan the whole file for its export names first, which for TypeScript's 9 MB costs more than
 * loading it (measured: 0.68 s of CPU for import('typescript'), 0.23 s for require('typescript')).
 */
const requiredPackages = {
  name: 'wand-require-commonjs',
  /** @param {import('esbuild').PluginBuild} build */
  setup(build) {
    const filter = new RegExp(`^(${COMMONJS_EXTERNAL.join('|')})$`);
    build.onResolve({ filter }, (args) =>
      args.namespace === 'wand-require' ? { path: args.path, external: true } : { path: args.path, namespace: 'wand-require' },
    );
    build.onLoad({ filter: /.*/, namespace: 'wand-require' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};

/** Bundles the command line into dist/ and returns the file URL of its entry. */
export async function buildBundle() {
  const { build } = await import('esbuild');
  const startedAt = Date.now();
  mkdirSync(DIST, { recursive: true });
  const staging = join(DIST, `.build-${process.pid}-${startedAt}`);
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: ENTRIES,
    bundle: true,
    splitting: true, // each command (and its packages: typescript, openai, roslib) loads only when used
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // npm packages are bundled too (Node's ESM loader costs ~1 ms per file, and zod alone has dozens), except
    // those that find files beside themselves at run time or are only ever loaded on demand and large.
    external: EXTERNAL,
    // CommonJS packages (ws, sucrase) require() Node's modules, which an ES module must be given.
    banner: { js: "import { createRequire as wandRequire } from 'node:module'; const require = wandRequire(import.meta.url);" },
    outdir: staging,
    entryNames: '[name]',
    chunkNames: 'chunk-[hash]',
    sourcemap: 'linked', // for `node --enable-source-maps bin/wand.js` when a stack trace must name sources
    metafile: true,
    logLevel: 'silent',
    plugins: [sourceUrls(staging), requiredPackages],
  });
  // The staging directory and the final one are siblings, so relative source URLs hold in both.
  // A package's files change together (npm replaces the package), so its package.json stands for them.
  // Modules made up by a plugin ("wand-require:typescript") are not files.
  const files = Object.keys(result.metafile.inputs).filter((input) => !/^[\w-]+:/.test(input));
  const inputs = [...new Set([...files.map(packageManifest), ...BUILD_INPUTS])];
  const hash = createHash('sha256');
  for (const file of readdirSync(staging).sort()) hash.update(file).update(readFileSync(join(staging, file)));
  const id = `build-${hash.digest('hex').slice(0, 12)}`;
  const final = join(DIST, id);
  try {
    renameSync(staging, final);
  } catch {
    rmSync(staging, { recursive: true, force: true }); // the same build is already there
  }
  // The build this one replaces stays too: another process may have just read its name, not yet marked it.
  const previous = currentBuild();
  const tmp = `${MANIFEST}.${process.pid}`;
  writeFileSync(tmp, JSON.stringify({ dir: id, startedAt, inputs }, null, 1));
  renameSync(tmp, MANIFEST);
  removeOldBuilds([id, previous]);
  return pathToFileURL(join(final, 'main.js')).href;
}

/** @param {string} input a path relative to the root, as esbuild names it */
function packageManifest(input) {
  const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
  return m ? `${m[1]}/package.json` : input;
}

/** The directory the manifest names now, if any. */
function currentBuild() {
  try {
    return String(JSON.parse(readFileSync(MANIFEST, 'utf8')).dir);
  } catch {
    return undefined;
  }
}

/** @param {(string | undefined)[]} keep */
function removeOldBuilds(keep) {
  for (const name of readdirSync(DIST)) {
    if (keep.includes(name) || (!name.startsWith('build-') && !name.startsWith('.build-'))) continue;
    const dir = join(DIST, name);
    try {
      // A build's age is its entry's (markers come and go in its directory); a staging directory's, its own.
      const made = statSync(name.startsWith('build-') ? join(dir, 'main.js') : dir).mtimeMs;
      if (Date.now() - made > KEEP_NEW_BUILDS_MS && !inUse(dir)) rmSync(dir, { recursive: true, force: true });
    } catch {
      // another process removed it first
    }
  }
}

// `npm run build` / the `prepare` script.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const t0 = performance.now();
  const entry = await buildBundle();
  console.log(`bundled ${relative(ROOT, dirname(fileURLToPath(entry)))} in ${Math.round(performance.now() - t0)} ms`);
}
