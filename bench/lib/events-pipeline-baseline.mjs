/**
 * Baseline process of bench/events-pipeline.mjs: reads an access log with the same line splitter slokit
 * uses and runs the tailer's parse regexp on every line (slokit's own `regexpLineParser`: the same re2js
 * engine and named-group extraction), nothing else; prints the line and malformed counts.
 *
 *   node bench/lib/events-pipeline-baseline.mjs <access.log> <regexp> [<emptyGroupRE>]
 */
import { createReadStream } from 'node:fs';
import { LineSplitter } from '../../dist/events/event-lines.js';
import { regexpLineParser } from '../../dist/events/line-parsers.js';

const [file, pattern, emptyGroup] = process.argv.slice(2);
const parse = regexpLineParser(pattern, emptyGroup);
let lines = 0;
let malformed = 0;
const splitter = new LineSplitter(
  (line) => {
    lines++;
    if (parse(line) === undefined) malformed++;
  },
  () => malformed++,
);
for await (const chunk of createReadStream(file, { highWaterMark: 1 << 16 })) splitter.push(chunk);
splitter.end();
process.stdout.write(`lines: ${lines}  malformed: ${malformed}\n`);
