/** Structured JSON logs (pino) on standard error, so standard output stays the command's result. */
import { pino } from 'pino';
import type { Logger } from '../engine/logger.js';

/** Levels of `--log-level` (commander checks the choice). */
export const LOG_LEVELS = ['silent', 'error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** A pino logger writing synchronously to stderr at `level`. */
export function createLogger(level: LogLevel): Logger {
  return pino({ level, base: { name: 'slokit' } }, pino.destination({ fd: 2, sync: true }));
}
