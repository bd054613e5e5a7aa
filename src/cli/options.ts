/**
 * Option parsing shared by the commands: commander `argParser`s for numeric flags (a bad value is a usage
 * error, exit code 2, naming the flag and what was expected) and the `--call-timeout` option.
 */
import { InvalidArgumentError, Option } from 'commander';
import {
  DEFAULT_CALL_TIMEOUT,
  MAX_TIMEOUT_SECONDS,
  MIN_TIMEOUT_SECONDS,
  TIMEOUT_RANGE,
} from '../async/deadline.js';

/** Formats of `--output`. */
export const OUTPUT_FORMATS = ['table', 'json', 'yaml'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** Formats of `events classify --output`. */
export const EVENTS_OUTPUTS = ['jsonl', 'summary', 'metrics'] as const;
export type EventsOutput = (typeof EVENTS_OUTPUTS)[number];

/** Levels of `--log-level` (commander checks the choice). */
export const LOG_LEVELS = ['silent', 'error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

type NumberKind = 'number' | 'positive integer' | 'non-negative integer';

/** A commander argParser accepting a finite number of `kind`. */
export function numberParser(kind: NumberKind): (value: string) => number {
  return (value) => {
    const n = Number(value);
    const ok =
      value.trim() !== '' &&
      Number.isFinite(n) &&
      (kind === 'number' ||
        (kind === 'positive integer' && Number.isInteger(n) && n >= 1) ||
        (kind === 'non-negative integer' && Number.isInteger(n) && n >= 0));
    if (!ok) throw new InvalidArgumentError(`expected a ${kind}.`);
    return n;
  };
}

/** `--call-timeout SECONDS`: the deadline of each backend call, exporter call and plugin module load. */
export function callTimeoutOption(): Option {
  return new Option(
    '--call-timeout <seconds>',
    `deadline of each backend call, exporter call and plugin module load (default: call_timeout of the config, else ${DEFAULT_CALL_TIMEOUT})`,
  ).argParser((value) => {
    const seconds = Number(value);
    if (value.trim() === '' || !(seconds >= MIN_TIMEOUT_SECONDS && seconds <= MAX_TIMEOUT_SECONDS))
      throw new InvalidArgumentError(`expected seconds ${TIMEOUT_RANGE}.`);
    return seconds;
  });
}
