/**
 * The dynamicClassifier's CSV dumps over HTTP (`GET /dynamicClassifier/matchers/{exact,regexp}`, rows
 * `domain,app,class,key` as in the CSV files), on two e2e cases run with a following tailer: the exact dump
 * holds the exact CSV rows plus every key learnt since (from regexp hits and from events that arrived
 * classified); the regexp dump holds the regexp CSV rows. Rows are compared as a set (their order is free).
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type EventsRun,
  eventsRunAvailable,
  startEventsRun,
  total,
  waitForMetrics,
} from '../helpers/events-run.js';
import { tempDir } from '../helpers/tmp.js';

const E2E = fileURLToPath(new URL('../fixtures/events/e2e/', import.meta.url));

/** CSV rows (RFC 4180 quoting, as Go's encoding/csv writes and reads it) as `a|b|c|d` texts, sorted. */
function csvRows(text: string): string[] {
  const rows: string[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const fields: string[] = [];
    let i = 0;
    while (i <= line.length) {
      if (line[i] === '"') {
        let field = '';
        i++;
        while (i < line.length && !(line[i] === '"' && line[i + 1] !== '"')) {
          field += line[i];
          i += line[i] === '"' ? 2 : 1;
        }
        fields.push(field);
        i += 2; // closing quote and comma
      } else {
        const comma = line.indexOf(',', i);
        const end = comma < 0 ? line.length : comma;
        fields.push(line.slice(i, end));
        i = end + 1;
      }
    }
    rows.push(fields.join('|'));
  }
  return rows.sort();
}

describe.skipIf(!eventsRunAvailable())('dynamicClassifier matcher dumps', () => {
  let dir: ReturnType<typeof tempDir> | undefined;
  let run: EventsRun | undefined;
  afterEach(async () => {
    await run?.stop('SIGKILL');
    dir?.cleanup();
  });

  /** Runs e2e case `name` with its tailer following the log, until it has read `lines` lines. */
  async function follow(name: string, lines: number): Promise<EventsRun> {
    dir = tempDir(`slokit-matchers-${name}-`);
    cpSync(join(E2E, name), dir.root, { recursive: true });
    const config = join(dir.root, 'slo_exporter.yaml');
    writeFileSync(
      config,
      readFileSync(config, 'utf8')
        .replace('follow: false', 'follow: true')
        .replace('reopen: false', 'reopen: true'),
    );
    run = await startEventsRun(
      ['--slo-exporter-config', 'slo_exporter.yaml', '--listen', '127.0.0.1:0', '--no-store'],
      dir.root,
    );
    await waitForMetrics(run.url, (samples) =>
      expect(total(samples, 'slo_exporter_tailer_lines_read_total')).toBe(lines),
    );
    return run;
  }

  const dump = async (url: string, kind: 'exact' | 'regexp') => {
    const response = await fetch(`${url}/dynamicClassifier/matchers/${kind}`);
    expect(response.status).toBe(200);
    return csvRows(await response.text());
  };

  it('exact: the CSV rows and the keys regexp hits taught; regexp: the regexp CSV rows', async () => {
    const { url } = await follow('dynamic-classifier-csv', 6);
    expect(await dump(url, 'exact')).toEqual(
      [
        'shop|web|critical|GET:/api/test/special',
        'shop|web|high|GET:/api/test/other',
        'shop|web|low|GET:/api/users',
        'shop|admin|critical|GET:/internal/admin/stats',
      ].sort(),
    );
    expect(await dump(url, 'regexp')).toEqual(
      ['shop|web|high|^GET:/api/test/.*', 'shop|web|low|^GET:/api/.*', 'shop|admin|critical|admin'].sort(),
    );
    expect(await run!.stop('SIGTERM')).toBe(0);
  });

  it('exact: the keys learnt from classified events, the latest classification of each', async () => {
    const { url } = await follow('exact-match-cache', 7);
    expect(await dump(url, 'exact')).toEqual(['shop|web|high|/api/cart', 'shop|web|low|/api/wishlist']);
    expect(await dump(url, 'regexp')).toEqual([]);
    expect(await run!.stop('SIGTERM')).toBe(0);
  });
});
