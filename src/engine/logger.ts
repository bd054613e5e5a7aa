/**
 * The logging interface the engine writes structured events to. It is pino's calling convention
 * (`logger.warn({ fields }, 'message')`), so a pino logger is passed as is; the default discards everything.
 */
export interface Logger {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

const ignore = () => {};

/** A logger that discards every event. */
export const silentLogger: Logger = { debug: ignore, info: ignore, warn: ignore, error: ignore };
