/**
 * Baseline process of bench/events-run.mjs: reads a log file a chunk at a time, splits it into lines and runs
 * the tailer's parse regexp on each (`regexpLineParser`, the re2js named-group parser `events run` uses),
 * nothing else; prints the line and malformed counts.
 *
 *   node bench/lib/events-run-baseline.mjs <file> <loglineParseRegexp> <emptyGroupRE>
 */
import { createReadStream } from 'node:fs';
import { regexpLineParser } from '../../dist/events/line-parsers.js';

const [file, pattern, emptyGroup] = process.argv.slice(2);
const parse = regexpLineParser(pattern, emptyGroup);
let lines = 0;
let malformed = 0;
let pending = '';
// 256 KiB reads, as the tailer of `events run` does.
for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 256 * 1024 })) {
  const text = pending + chunk;
  let start = 0;
  for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', start)) {
    lines++;
    if (!parse(text.slice(start, newline))) malformed++;
    start = newline + 1;
  }
  pending = text.slice(start);
}
if (pending !== '') {
  lines++;
  if (!parse(pending)) malformed++;
}
process.stdout.write(`lines: ${lines}  malformed: ${malformed}\n`);
