/**
 * The logging surface the domain services use. Powertools' Logger satisfies it in Lambda; locally a
 * JSON-lines logger writes to stderr so stdout stays clean for the CLI's JSON output.
 */
export interface Logger {
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

export function jsonLogger(service: string, write: (line: string) => void = (l) => process.stderr.write(l)): Logger {
  const log = (level: string) => (message: string, extra?: Record<string, unknown>) =>
    write(`${JSON.stringify({ level, time: new Date().toISOString(), service, message, ...extra })}\n`);
  return { info: log('INFO'), warn: log('WARN'), error: log('ERROR') };
}

/** Discards everything: for a CLI run whose outcomes are reported another way. */
export function silentLogger(): Logger {
  const none = (): void => {};
  return { info: none, warn: none, error: none };
}

/** Collects entries: for tests that assert what was logged, and for a quiet CLI. */
export function memoryLogger(): Logger & { entries: { level: string; message: string; extra?: Record<string, unknown> }[] } {
  const entries: { level: string; message: string; extra?: Record<string, unknown> }[] = [];
  const log = (level: string) => (message: string, extra?: Record<string, unknown>) => void entries.push({ level, message, extra });
  return { entries, info: log('INFO'), warn: log('WARN'), error: log('ERROR') };
}

/** Adapts Powertools' Logger (structured JSON, Lambda context) to the domain's Logger. */
export function powertoolsLogger(pt: {
  info(msg: string, extra: Record<string, unknown>): void;
  warn(msg: string, extra: Record<string, unknown>): void;
  error(msg: string, extra: Record<string, unknown>): void;
}): Logger {
  return {
    info: (m, e) => pt.info(m, e ?? {}),
    warn: (m, e) => pt.warn(m, e ?? {}),
    error: (m, e) => pt.error(m, e ?? {}),
  };
}
