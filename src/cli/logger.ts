/** Structured JSON logs (pino) on standard error, so standard output stays the command's result. */
import { pino } from 'pino';
import type { Logger } from '../engine/logger.js';
import { UsageError } from './context.js';

export const LOG_LEVELS = ['silent', 'error', 'warn', 'info', 'debug'] as const;

/** A pino logger writing synchronously to stderr at `level`. */
export function createLogger(level: string): Logger {
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}, got "${level}"`);
  }
  return pino({ level, base: { name: 'slokit' } }, pino.destination({ fd: 2, sync: true }));
}
