/**
 * Baseline process of bench/events-classify.mjs: reads a JSON-lines file with the same line splitter as
 * `slokit events classify` and JSON.parses every line, nothing else; prints the line count.
 */
import { createReadStream } from 'node:fs';
import { LineSplitter } from '../../dist/events/event-lines.js';

let lines = 0;
let malformed = 0;
const splitter = new LineSplitter(
  (line) => {
    lines++;
    try {
      JSON.parse(line);
    } catch {
      malformed++;
    }
  },
  () => malformed++,
);
for await (const chunk of createReadStream(process.argv[2])) splitter.push(chunk);
splitter.end();
process.stdout.write(`lines: ${lines}  malformed: ${malformed}\n`);
