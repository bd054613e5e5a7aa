/**
 * `timestamp_human`: ISO-8601 in the process's local time zone, as Python's
 * `datetime.fromtimestamp(ts, tzlocal()).isoformat()` renders it (microseconds only when non-zero,
 * `+HH:MM` offset, fraction rounded half-even to the microsecond).
 */
import { pythonRound } from './rounding.js';

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** Formats a Unix timestamp (seconds, fractional allowed) like Python's local-time `isoformat()`. */
export function humanTime(timestamp: number): string {
  let seconds = Math.trunc(timestamp);
  let micros = pythonRound((timestamp - seconds) * 1e6, 0);
  if (micros >= 1e6) {
    seconds += 1;
    micros -= 1e6;
  } else if (micros < 0) {
    seconds -= 1;
    micros += 1e6;
  }
  const date = new Date(seconds * 1000);
  const offsetMinutes = -date.getTimezoneOffset();
  const sign = offsetMinutes < 0 ? '-' : '+';
  const absOffset = Math.abs(offsetMinutes);
  const day = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  const time = `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
  const fraction = micros ? `.${pad(micros, 6)}` : '';
  return `${day}T${time}${fraction}${sign}${pad(Math.floor(absOffset / 60))}:${pad(absOffset % 60)}`;
}
