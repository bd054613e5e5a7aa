import type { ConfigIssue } from '../../config/errors.js';

/** Orders issues of one file as they appear in it (line, then column), the order a user fixes them in. */
export const byPosition = (a: ConfigIssue, b: ConfigIssue): number => a.line - b.line || a.column - b.column;
