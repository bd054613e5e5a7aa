/**
 * A tailing process for the crash tests: tails argv[2] with positions in argv[3], appends each consumed
 * value of `n` to argv[4] (synchronously, so what is written survives a SIGKILL), and consumes slowly (at
 * least 1 ms per line: 3000 lines take 3 s or more) so the parent can kill it mid-file. argv[5] is "follow"
 * or "once" (follow: false).
 */
import { openSync, writeSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { PositionsStore } from '../../src/events/positions.js';
import { Tailer } from '../../src/events/tailer.js';

const [log, positionsFile, output, mode] = process.argv.slice(2) as [string, string, string, string];
const out = openSync(output, 'a');
const tailer = new Tailer({
  path: log,
  parse: (line) => (line.startsWith('n=') ? { n: line.slice(2) } : undefined),
  positions: await PositionsStore.load(positionsFile),
  follow: mode === 'follow',
  positionPersistenceIntervalMs: 20,
  chunkBytes: 256,
});
for await (const event of tailer) {
  writeSync(out, `${event.n}\n`);
  await sleep(1);
}
