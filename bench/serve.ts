// The session page, measured: time to first render in headless Chromium (cold, with the page bundle
// built on the first request, and warm), the state stream's rate and latency while a program runs, and
// whether streaming slows the simulation (unpaced simulation speed with and without a watching tab).
// Run: node --import tsx bench/serve.ts

import WebSocket from 'ws';
import { openSimulator } from '../src/backends/open.ts';
import { executeProgram } from '../src/run/execute.ts';
import type { ServerMessage } from '../src/serve/protocol.ts';
import { startServer } from '../src/serve/server.ts';
import { launchBrowser } from '../test/helpers/browser.ts';

const backend = { world: 'tabletop', seed: 0, backend: 'sim', rehearse: true } as const;
const MOTION = 'for (let i = 0; i < 6; i++) { moveTo({x: 0.3, y: -0.25, z: 0.25}); moveTo({x: 0.7, y: 0.25, z: 0.1}); }';

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};
const ms = (v: number) => `${v.toFixed(1)} ms`;

interface Probe {
  renderMs: number[];
  firstRender: number | null;
  frames: number;
  latencies: number[];
  frameTimes: number[];
  jobs: unknown[];
}

const server = await startServer({ port: 0, host: '127.0.0.1', backend, speed: 1, env: {} });
const browser = await launchBrowser();
try {
  console.log('Session page (wand serve, headless Chromium with SwiftShader WebGL, tabletop seed 0):');
  for (const label of ['cold (bundle built on this request)', 'warm']) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(server.url);
    await page.waitForFunction(() => (window as unknown as { wand: Probe }).wand?.firstRender != null, undefined, { timeout: 60_000 });
    const { t, marks } = await page.evaluate(() => {
      const w = (window as unknown as { wand: Probe & { marks: Record<string, number> } }).wand;
      return { t: w.firstRender!, marks: w.marks };
    });
    const steps = Object.entries(marks).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ');
    console.log(`  time to first render, ${label}: ${ms(t)} from navigation start (${steps} ms)`);
    await page.close();
  }

  // Stream rate and latency while a paced (real-time) program moves the arm.
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(server.url);
  await page.waitForFunction(() => (window as unknown as { wand: Probe }).wand?.firstRender != null);
  await page.fill('.editor-input', MOTION);
  await page.click('button.run');
  await page.waitForTimeout(500);
  const from = await page.evaluate(() => {
    const w = (window as unknown as { wand: Probe }).wand;
    return { frames: w.frames, at: performance.now(), n: w.latencies.length };
  });
  await page.waitForTimeout(4000);
  const window_ = await page.evaluate((n) => {
    const w = (window as unknown as { wand: Probe }).wand;
    return { frames: w.frames, at: performance.now(), latencies: w.latencies.slice(n), renderMs: w.renderMs.slice(-60) };
  }, from.n);
  // The e-stop, as a person presses it: click until the page hears that the program ended.
  const jobs = await page.evaluate(() => (window as unknown as { wand: { jobs: unknown[] } }).wand.jobs.length);
  const pressed = Date.now();
  await page.click('button.estop');
  await page.waitForFunction((n) => (window as unknown as { wand: { jobs: unknown[] } }).wand.jobs.length > n, jobs);
  const estopMs = Date.now() - pressed;
  const rate = ((window_.frames - from.frames) * 1000) / (window_.at - from.at);
  console.log(`  state stream while a program runs: ${rate.toFixed(1)} frames/s (goal about 30)`);
  console.log(
    `  stream latency (server sample to page receipt): median ${ms(pct(window_.latencies, 50))}, p95 ${ms(pct(window_.latencies, 95))}, max ${ms(Math.max(...window_.latencies))}`,
  );
  console.log(`  page render time per frame (software WebGL here): median ${ms(pct(window_.renderMs, 50))}`);
  console.log(`  e-stop click → the page shows the program stopped: ${ms(estopMs)} (goal ≤ 2000 ms; the test only guards against a hang)`);
  await page.close();

  // The same without a browser: what the server and the socket add, with nothing rendering.
  {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws`);
    const lat: number[] = [];
    let started = 0;
    await new Promise<void>((resolve) => {
      ws.on('message', (d) => {
        const m = JSON.parse(String(d)) as ServerMessage;
        if (m.type === 'scene' && !started) ws.send(JSON.stringify({ type: 'run', source: MOTION }));
        if (m.type === 'run' && !started) started = Date.now();
        if (m.type === 'state' && started && Date.now() - started > 500) lat.push(Date.now() - m.t);
        if (started && Date.now() - started > 4500) {
          ws.send(JSON.stringify({ type: 'stop' }));
          resolve();
        }
      });
    });
    ws.close();
    console.log(`  the same stream to a websocket client in Node: ${(lat.length / 4).toFixed(1)} frames/s, latency median ${ms(pct(lat, 50))}, p95 ${ms(pct(lat, 95))}`);
  }

  // Does streaming slow the simulation? Unpaced runs of the same program: headless, and in a session
  // whose websocket gets the world's state at 30 Hz meanwhile.
  let h = { simTimeS: 0, wallTimeMs: 1 };
  for (let i = 0; i < 2; i++) {
    // The second run is the one reported: the first also warms the sandbox's workers.
    const headless = await openSimulator(backend);
    h = await executeProgram({ source: MOTION, target: headless });
    await headless.backend.dispose();
  }
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws`);
  const result = await new Promise<{ simTimeS: number; wallTimeMs: number }>((resolve, reject) => {
    ws.on('message', (d) => {
      const m = JSON.parse(String(d)) as ServerMessage;
      if (m.type === 'scene') {
        ws.send(JSON.stringify({ type: 'speed', speed: null }));
        ws.send(JSON.stringify({ type: 'run', source: MOTION }));
      }
      if (m.type === 'result') resolve(m.result);
      if (m.type === 'error') reject(new Error(m.message));
    });
  });
  ws.close();
  const speed = (r: { simTimeS: number; wallTimeMs: number }) => (r.simTimeS * 1000) / r.wallTimeMs;
  console.log(
    `  simulation speed, unpaced: ${speed(h).toFixed(0)}x real time headless, ${speed(result).toFixed(0)}x in a session streaming its state`,
  );
} finally {
  await browser.close();
  await server.close();
}
