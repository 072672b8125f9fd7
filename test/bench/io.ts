/** Progress lines for the person running the bench, and capture of the handlers' log output. */
const stderrWrite = process.stderr.write.bind(process.stderr);
const stdoutWrite = process.stdout.write.bind(process.stdout);

let quiet = false;
export function setQuiet(q: boolean): void {
  quiet = q;
}

/** A progress line on stderr (stdout carries the Markdown report). */
export function progress(message: string): void {
  if (!quiet) stderrWrite(`[bench] ${message}\n`);
}

/** Writes the report to the real stdout even while logs are captured. */
export function writeOut(text: string): void {
  stdoutWrite(text);
}

/**
 * Swallows what the handlers log (structured JSON lines on stdout/stderr) and counts the bytes,
 * which is what CloudWatch Logs would ingest from our own log lines.
 */
export function captureLogs() {
  let bytes = 0;
  const count = (chunk: unknown) => {
    bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : (chunk as Uint8Array)?.byteLength ?? 0;
    return true;
  };
  process.stdout.write = count as typeof process.stdout.write;
  process.stderr.write = count as typeof process.stderr.write;
  return {
    take(): number {
      const b = bytes;
      bytes = 0;
      return b;
    },
    restore(): void {
      process.stdout.write = stdoutWrite as typeof process.stdout.write;
      process.stderr.write = stderrWrite as typeof process.stderr.write;
    },
  };
}
