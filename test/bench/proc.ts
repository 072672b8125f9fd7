/** Child processes of the bench: TypeScript modules run through tsx, driven over IPC. */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export const BENCH_DIR = __dirname;
export const REPO_DIR = join(__dirname, '..', '..');

/** Forks `test/bench/<file>` under Node with the tsx loader (the same way `npm run bench` runs). */
export function forkBench(file: string, args: string[] = [], opts: { execArgv?: string[]; env?: Record<string, string | undefined> } = {}): ChildProcess {
  const env: Record<string, string | undefined> = { ...process.env, ...opts.env };
  delete env.NODE_OPTIONS;
  // A bench child is a tsx process, not a jest worker: it needs tsx's ESM hook for middy
  // (shared/lambda/esm-only.ts), and stays as quiet as the test that forked it.
  if (env.JEST_WORKER_ID) {
    delete env.JEST_WORKER_ID;
    env.LOG_LEVEL ??= 'SILENT';
    env.CSMS_METRICS_STDOUT ??= 'false';
  }
  return fork(join(BENCH_DIR, file), args, {
    cwd: REPO_DIR,
    execArgv: ['--import', 'tsx', ...(opts.execArgv ?? [])],
    env: env as NodeJS.ProcessEnv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

export interface Reply {
  type: string;
  [k: string]: unknown;
}

/** Sends `msg` and resolves with the child's next message of type `replyType`. */
export function ask<T extends Reply = Reply>(child: ChildProcess, msg: Record<string, unknown> | undefined, replyType: string, timeoutMs = 60_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      cleanup();
      reject(new Error(`child did not answer ${replyType} within ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (m: Reply) => {
      if (m?.type === 'error') {
        cleanup();
        reject(new Error(String(m.message)));
      } else if (m?.type === replyType) {
        cleanup();
        resolve(m as T);
      }
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`child exited (${code}) before answering ${replyType}`));
    };
    const cleanup = () => {
      clearTimeout(t);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
    if (msg) child.send(msg);
  });
}

/** Asks a child to stop, and kills it (by its own pid) if it does not within `graceMs`. */
export async function stop(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  try {
    child.send({ type: 'exit' });
  } catch {
    /* channel already closed */
  }
  const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(t);
}
