/** Structured JSON logs (pino) on standard error, so standard output stays the command's result. */
import { pino } from 'pino';
import type { Logger } from '../engine/logger.js';
import type { LogLevel } from './options.js';

/** A pino logger writing synchronously to stderr at `level`. */
export function createLogger(level: LogLevel): Logger {
  return pino({ level, base: { name: 'slokit' } }, pino.destination({ fd: 2, sync: true }));
}
