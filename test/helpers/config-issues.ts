/** The issues of the ConfigError a promise rejects with, formatted as the CLI prints them. */
import { ConfigError, formatIssue } from '../../src/config/errors.js';

/** Awaits `promise`; returns its ConfigError's issues as `file:line:column: path: message`; throws otherwise. */
export async function issuesOf(promise: Promise<unknown>): Promise<string[]> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map(formatIssue);
    throw error;
  }
  throw new Error('expected a ConfigError');
}
