/**
 * Structured JSON logs (pino) on standard error, so standard output stays the command's result.
 * pino is loaded by the first event at an enabled level: importing it costs about 20 ms of start-up, and a
 * `compute` at the default level (`warn`) usually logs nothing. pino is a CommonJS package, so `require`
 * loads it synchronously on that first event.
 */
import { createRequire } from 'node:module';
import type { Logger } from '../engine/logger.js';
import type { LogLevel } from './options.js';

const requireCommonJs = createRequire(import.meta.url);

/** pino's numeric levels, the order `--log-level` choices are enabled in. */
const SEVERITY: Record<LogLevel, number> = { debug: 20, info: 30, warn: 40, error: 50, silent: Infinity };

/** A pino logger writing synchronously to stderr at `level`, created by its first enabled event. */
export function createLogger(level: LogLevel): Logger {
  let pinoLogger: Logger | undefined;
  const target = () => {
    if (!pinoLogger) {
      const { pino } = requireCommonJs('pino') as typeof import('pino');
      pinoLogger = pino({ level, base: { name: 'slokit' } }, pino.destination({ fd: 2, sync: true }));
    }
    return pinoLogger;
  };
  const at =
    (event: keyof Logger): Logger[keyof Logger] =>
    (fields, message) => {
      if (SEVERITY[event] >= SEVERITY[level]) target()[event](fields, message);
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
