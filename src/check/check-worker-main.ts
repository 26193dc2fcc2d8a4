import { parentPort } from 'node:worker_threads';
import { analyzeSkill } from '../skills/checker.ts';
import { analyzeProgram } from './analyze.ts';
import { tooDeep } from './limits.ts';
import type { CheckJob, CheckerMessage } from './protocol.ts';
import { TypeChecker } from './typecheck.ts';

// The type-checker thread: one warm TypeScript language service per API, one job at a time. It says
// when a job starts, after the language service is warm, so the host's time budget covers the check
// itself and never the start-up.

const port = parentPort!;
const send = (m: CheckerMessage) => port.postMessage(m);
const checkers = new Map<string, TypeChecker>();

function checkerFor(dts: string): TypeChecker {
  let checker = checkers.get(dts);
  if (!checker) {
    checker = new TypeChecker(dts);
    checker.warm();
    checkers.set(dts, checker);
  }
  return checker;
}

function run(job: CheckJob, types: TypeChecker): unknown {
  switch (job.type) {
    case 'warm':
      return null;
    case 'program':
      return analyzeProgram(types, job.source, job.opts, job.declarations);
    case 'skill':
      return analyzeSkill(types, job.code, job.declarations, job.usage);
  }
}

port.on('message', (job: CheckJob) => {
  try {
    const types = checkerFor(job.dts);
    send({ type: 'started', id: job.id });
    send({ type: 'done', id: job.id, result: run(job, types) });
  } catch (err) {
    // TypeScript may have been left half-way through building its caches: this API's checker starts afresh.
    checkers.delete(job.dts);
    if (err instanceof RangeError && job.type !== 'warm') {
      const problem = tooDeep(0, 'the checker ran out of stack');
      const result =
        job.type === 'program'
          ? { ok: false, diagnostics: [problem], missing: [], language: job.opts.language ?? 'js' }
          : { ok: false, problems: [problem.message], signatures: new Map(), descriptions: new Map() };
      send({ type: 'done', id: job.id, result });
    } else send({ type: 'failed', id: job.id, message: err instanceof Error ? err.message : String(err) });
  }
});

send({ type: 'ready' });
