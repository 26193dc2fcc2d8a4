import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

// The page is TypeScript importing three.js and highlight.js from node_modules. It is bundled in memory
// when the server starts (no build step, no CDN: the machine may have no internet), once per process.

export interface PageBundle {
  js: string;
  css: string;
  /** Compressed once, for browsers on another machine (a LAN session): three.js is most of the bytes. */
  jsGzip: Buffer;
  /** Bundling time, for the start-up line and the bench. */
  ms: number;
}

const ENTRY = fileURLToPath(new URL('./page/main.ts', import.meta.url));

let cached: Promise<PageBundle> | undefined;

export function pageBundle(): Promise<PageBundle> {
  cached ??= bundle().catch((err) => {
    cached = undefined; // let the next request try again (e.g. after fixing a syntax error)
    throw err;
  });
  return cached;
}

async function bundle(): Promise<PageBundle> {
  const t0 = performance.now();
  const result = await build({
    entryPoints: [ENTRY],
    bundle: true,
    write: false,
    outdir: '/page', // virtual: names the .js and .css outputs
    format: 'esm',
    target: 'es2022',
    minify: true,
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'silent',
    loader: { '.css': 'css' },
  });
  const js = result.outputFiles.find((f) => f.path.endsWith('.js'))?.text ?? '';
  const css = result.outputFiles.find((f) => f.path.endsWith('.css'))?.text ?? '';
  return { js, css, jsGzip: gzipSync(js, { level: 6 }), ms: Math.round(performance.now() - t0) };
}
