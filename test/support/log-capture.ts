import { vi } from 'vitest';
import { logger } from '../../functions/shared/runtime/logger.js';

/**
 * Captures what the functions' Powertools logger actually prints (it writes to process.stdout/stderr through its
 * own Console), at DEBUG, so tests can assert on the log lines themselves rather than on logger calls.
 */
const captureLogs = () => {
  const lines: string[] = [];
  const record = (chunk: unknown): boolean => {
    lines.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    return true;
  };
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(record);
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(record);
  const previousLevel = logger.getLevelName();
  logger.setLogLevel('DEBUG');
  return {
    lines,
    text: () => lines.join(''),
    restore: () => {
      logger.setLogLevel(previousLevel);
      stdout.mockRestore();
      stderr.mockRestore();
    },
  };
};

/** Runs `action` with the logs captured; the capture ends, and the log level is restored, whatever happens. */
const logsDuring = async <T>(action: () => Promise<T>): Promise<{ result: T; lines: string[]; text: string }> => {
  const logs = captureLogs();
  try {
    const result = await action();
    return { result, lines: logs.lines, text: logs.text() };
  } finally {
    logs.restore();
  }
};

export { logsDuring };
