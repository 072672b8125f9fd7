/**
 * Structured JSON log lines (CloudWatch Logs parses them). LOG_LEVEL: debug|info|warn|error|silent;
 * default info, silent under jest unless LOG_LEVEL is set.
 */
const LEVELS = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;
type Level = Exclude<keyof typeof LEVELS, 'silent'>;

function threshold(): number {
  const fromEnv = process.env.LOG_LEVEL as keyof typeof LEVELS | undefined;
  if (fromEnv && fromEnv in LEVELS) return LEVELS[fromEnv];
  return process.env.JEST_WORKER_ID ? LEVELS.silent : LEVELS.info;
}

function write(level: Level, message: string, fields?: Record<string, unknown>) {
  if (LEVELS[level] < threshold()) return;
  const line = JSON.stringify({ level, message, timestamp: new Date().toISOString(), ...fields });
  (level === 'error' || level === 'warn' ? process.stderr : process.stdout).write(line + '\n');
}

export const log = {
  debug: (m: string, f?: Record<string, unknown>) => write('debug', m, f),
  info: (m: string, f?: Record<string, unknown>) => write('info', m, f),
  warn: (m: string, f?: Record<string, unknown>) => write('warn', m, f),
  error: (m: string, f?: Record<string, unknown>) => write('error', m, f),
};
