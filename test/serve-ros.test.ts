import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOT_APPROVED } from '../src/run/execute.ts';
import type { ServerMessage, StateFrame } from '../src/serve/protocol.ts';
import { startServer, type RunningServer } from '../src/serve/server.ts';
import { ARTIFACTS, launchBrowser, openPage } from './helpers/browser.ts';
import { startOpenAIServer, TEST_MODEL, type OpenAIServer } from './helpers/openai-server.ts';
import { RosbridgeTestServer } from './helpers/rosbridge-server.ts';
import { sessionTab } from './helpers/session-tab.ts';

// A session on a ROS robot (the test rosbridge's simulated base): the page gets the robot's live
// odometry, a program's rehearsal streams from the simulated twin before the robot moves, and with
// --approve the robot moves only after the page's yes.

let bridge: RosbridgeTestServer;
let server: RunningServer;

beforeAll(async () => {
  bridge = await RosbridgeTestServer.start();
  server = await startServer({
    port: 0,
    host: '127.0.0.1',
    speed: 4,
    backend: { world: 'mobile', seed: 0, backend: 'ros', url: bridge.url, rehearse: true },
    env: {},
  });
});

afterAll(async () => {
  await server?.close();
  await bridge?.close();
});

const tab = (port = server.port) => sessionTab(port);

it('streams odometry and shows the rehearsal before the robot drives', async () => {
  const { ws, messages, waitFor } = tab();
  const hello = await waitFor((m) => m.type === 'hello');
  expect(hello).toMatchObject({ status: { kind: 'ros', backend: `ROS robot at ${bridge.url}` } });
  const first = (await waitFor((m) => m.type === 'state' && !!m.odom)) as StateFrame;
  expect(first.odom).toEqual({ x: 0, y: 0, yaw: 0 });

  ws.send(JSON.stringify({ type: 'run', source: 'drive(0.3);' }));
  const end = await waitFor((m) => m.type === 'jobEnd', 30_000);
  expect(end).toMatchObject({ ok: true, error: null });
  const frames = messages.filter((m): m is StateFrame => m.type === 'state');
  const rehearsal = frames.filter((f) => f.rehearsal);
  expect(rehearsal.length).toBeGreaterThan(2);
  // While rehearsing, the robot itself has not moved yet; the twin has.
  expect(rehearsal.at(-1)!.odom!.x).toBeLessThan(0.02);
  expect(messages.some((m) => m.type === 'scene' && m.label.startsWith('rehearsal of ROS robot'))).toBe(true);
  // The rehearsal's calls reach the page as such, before the robot's own.
  const drives = messages.flatMap((m) => (m.type === 'run' && m.event.type === 'callEnd' ? [{ rehearsal: m.rehearsal ?? false, ok: m.event.record.ok, primitive: m.event.record.primitive }] : []));
  expect(drives).toEqual([
    { rehearsal: true, ok: true, primitive: 'drive' },
    { rehearsal: false, ok: true, primitive: 'drive' },
  ]);
  await waitFor((m) => m.type === 'state' && !m.rehearsal && (m.odom?.x ?? 0) > 0.25, 5000);
  ws.close();
});

it('lets one tab drive the robot at a time, and any tab stop it', async () => {
  const a = tab();
  const b = tab();
  await a.waitFor((m) => m.type === 'state');
  await b.waitFor((m) => m.type === 'state');
  a.ws.send(JSON.stringify({ type: 'run', source: 'drive(1.0);\ndrive(-1.0);' }));
  await a.waitFor((m) => m.type === 'run');
  b.ws.send(JSON.stringify({ type: 'run', source: 'turn(90);' }));
  const refused = await b.waitFor((m) => m.type === 'error');
  expect((refused as { message: string }).message).toMatch(/another tab/);
  b.ws.send(JSON.stringify({ type: 'stop' }));
  const end = await a.waitFor((m) => m.type === 'jobEnd');
  expect(end).toMatchObject({ ok: false, error: { kind: 'aborted' } });
  a.ws.close();
  b.ws.close();
});

describe('with --approve', () => {
  let bridge: RosbridgeTestServer;
  let server: RunningServer;
  let model: OpenAIServer;
  beforeAll(async () => {
    bridge = await RosbridgeTestServer.start();
    model = await startOpenAIServer();
    // With a model configured the server warms the type checker (a second or more of blocked event loop)
    // just after start; done here first, it cannot stall the robot's odometry in the middle of a test.
    (await import('../src/serve/ask-bridge.ts')).warmChecker('mobile');
    server = await startServer({
      port: 0,
      host: '127.0.0.1',
      speed: null,
      backend: { world: 'mobile', seed: 0, backend: 'ros', url: bridge.url, rehearse: true },
      env: { OPENAI_BASE_URL: model.url, OPENAI_API_KEY: 'test-key', WAND_MODEL: TEST_MODEL },
      approve: true,
    });
  });
  afterAll(async () => {
    await server?.close();
    await bridge?.close();
    await model?.close();
  });

  /** Velocity commands that would move the base (the zero commands that end every motion do not). */
  const moving = () => bridge.publishes('/cmd_vel').filter((f) => f.frame.msg.linear.x !== 0 || f.frame.msg.angular.z !== 0).length;
  const yawDeg = () => (bridge.robot.yaw * 180) / Math.PI;

  it('moves the robot only after the page approves, and not at all on a no', async () => {
    const { ws, messages, waitFor } = tab(server.port);
    const hello = await waitFor((m) => m.type === 'hello');
    expect(hello).toMatchObject({ status: { kind: 'ros', approval: true } });
    await waitFor((m) => m.type === 'state' && !!m.odom);
    const reply = async (msg: unknown) => {
      const before = messages.filter((m) => m.type === 'error').length;
      ws.send(JSON.stringify(msg));
      await waitFor(() => messages.filter((m) => m.type === 'error').length > before);
      return messages.filter((m) => m.type === 'error').at(-1) as { message: string };
    };

    ws.send(JSON.stringify({ type: 'run', source: 'turn(20);' }));
    const asked = (await waitFor((m) => m.type === 'approval')) as Extract<ServerMessage, { type: 'approval' }>;
    expect(asked).toMatchObject({ source: 'turn(20);', target: `ROS robot at ${bridge.url}`, rehearsal: { calls: 1 } });
    expect(asked.rehearsal!.simTimeS).toBeGreaterThan(0);
    // Malformed answers and answers for another job are refused, and the question stays open.
    expect((await reply({ type: 'approve', job: asked.job })).message).toMatch(/bad "approve" message: "yes"/);
    expect((await reply({ type: 'approve', job: asked.job + 1, yes: true })).message).toMatch(/not waiting for approval/);
    await new Promise((r) => setTimeout(r, 300));
    expect(moving()).toBe(0);
    expect(messages.some((m) => m.type === 'jobEnd')).toBe(false);

    ws.send(JSON.stringify({ type: 'approve', job: asked.job, yes: true }));
    expect(await waitFor((m) => m.type === 'jobEnd', 20_000)).toMatchObject({ job: asked.job, ok: true, error: null });
    expect(moving()).toBeGreaterThan(0);
    expect(yawDeg()).toBeCloseTo(20, 0);

    const movedSoFar = moving();
    ws.send(JSON.stringify({ type: 'run', source: 'turn(20);' }));
    const second = (await waitFor((m) => m.type === 'approval' && m.job !== asked.job)) as { job: number };
    ws.send(JSON.stringify({ type: 'approve', job: second.job, yes: false }));
    const end = await waitFor((m) => m.type === 'jobEnd' && m.job === second.job);
    expect(end).toMatchObject({ ok: false, error: { kind: 'aborted', message: NOT_APPROVED } });
    expect(messages.find((m) => m.type === 'result' && m.job === second.job)).toMatchObject({ result: { ok: false, error: { message: NOT_APPROVED } } });
    expect(moving()).toBe(movedSoFar);
    expect(yawDeg()).toBeCloseTo(20, 0);
    ws.close();
  });

  it('answers a question no one will answer with no: the e-stop', async () => {
    const { ws, waitFor } = tab(server.port);
    await waitFor((m) => m.type === 'state' && !!m.odom);
    const movedSoFar = moving();
    ws.send(JSON.stringify({ type: 'run', source: 'drive(0.2);' }));
    const asked = (await waitFor((m) => m.type === 'approval')) as { job: number };
    ws.send(JSON.stringify({ type: 'stop' }));
    expect(await waitFor((m) => m.type === 'jobEnd')).toMatchObject({ job: asked.job, ok: false, error: { kind: 'aborted' } });
    expect(moving()).toBe(movedSoFar);
    ws.close();
  });

  it('answers a question no one will answer with no: the tab going away', async () => {
    const a = tab(server.port);
    await a.waitFor((m) => m.type === 'state' && !!m.odom);
    const movedSoFar = moving();
    a.ws.send(JSON.stringify({ type: 'run', source: 'drive(0.2);' }));
    await a.waitFor((m) => m.type === 'approval');
    a.ws.terminate();
    // Its job ended unapproved, so the robot is free for the next tab.
    const b = tab(server.port);
    await b.waitFor((m) => m.type === 'state' && !!m.odom);
    b.ws.send(JSON.stringify({ type: 'run', source: 'turn(-20);' }));
    await b.waitFor((m) => m.type === 'approval');
    expect(moving()).toBe(movedSoFar);
    b.ws.close();
  });

  it('asks before a program the model wrote moves the robot', async () => {
    const { ws, waitFor } = tab(server.port);
    await waitFor((m) => m.type === 'state' && !!m.odom);
    const movedSoFar = moving();
    model.push('```js\nturn(20);\n```');
    ws.send(JSON.stringify({ type: 'ask', instruction: 'turn left a little' }));
    const asked = (await waitFor((m) => m.type === 'approval', 30_000)) as { job: number; source: string };
    expect(asked.source.trim()).toBe('turn(20);');
    ws.send(JSON.stringify({ type: 'approve', job: asked.job, yes: false }));
    expect(await waitFor((m) => m.type === 'jobEnd')).toMatchObject({ ok: false, error: { kind: 'aborted', message: NOT_APPROVED } });
    expect(moving()).toBe(movedSoFar);
    ws.close();
  });

  it('asks on the page in a panel of its own, and moves the robot on "Run on the robot"', async () => {
    const browser = await launchBrowser();
    try {
      const { page, errors } = await openPage(browser, server.url);
      await expect.poll(() => page.textContent('.status')).toContain('approval required');
      await page.waitForFunction(() => (window as unknown as { wand: { frames: number } }).wand.frames > 0);
      const movedSoFar = moving();
      const yaw0 = yawDeg();
      await page.fill('.editor-input', 'turn(-15);');
      await page.click('button.run');
      const panel = page.locator('section.approval');
      await panel.waitFor({ state: 'visible', timeout: 15_000 });
      expect(await panel.locator('.approval-rehearsal').textContent()).toMatch(/^✓ Rehearsal passed \(1 call, \d+\.\d s simulated\)$/);
      expect(await panel.locator('pre.program .gutter').textContent()).toBe('1');
      expect(await panel.locator('pre.program .hljs-number').count()).toBe(1); // highlighted
      // The e-stop stays visible above the panel.
      const onTop = await page.evaluate(() => {
        const r = document.querySelector('button.estop')!.getBoundingClientRect();
        return document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2)?.className;
      });
      expect(onTop).toBe('estop');
      await page.screenshot({ path: join(ARTIFACTS, 'serve-approval.png') });
      expect(moving()).toBe(movedSoFar);

      await page.click('button.approve-yes');
      await page.waitForFunction(() => (window as unknown as { wand: { jobs: unknown[] } }).wand.jobs.length > 0, undefined, { timeout: 20_000 });
      expect(await page.evaluate(() => (window as unknown as { wand: { jobs: unknown[] } }).wand.jobs[0])).toMatchObject({ ok: true });
      expect(await panel.isHidden()).toBe(true);
      expect(yawDeg()).toBeCloseTo(yaw0 - 15, 0);

      // "Cancel": the card shows the not-approved result once, like any other failure, and nothing moved.
      const moved = moving();
      await page.click('button.run');
      await panel.waitFor({ state: 'visible', timeout: 15_000 });
      await page.click('button.approve-no');
      await page.waitForFunction(() => (window as unknown as { wand: { jobs: unknown[] } }).wand.jobs.length > 1, undefined, { timeout: 10_000 });
      const card = page.locator('article.card').last();
      expect(await card.locator('.badge').textContent()).toBe('stopped');
      expect(await card.locator('.result.fail, .error').allTextContents()).toEqual([`aborted: ${NOT_APPROVED}`]);
      expect(moving()).toBe(moved);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
