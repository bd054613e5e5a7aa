/**
 * The `json` exporter: appends each report as one JSON line (JSON Lines) to a file, or to standard output
 * with `path: "-"`. A path is required so that reports never land on stdout by surprise and corrupt
 * `--output json`.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import * as z from 'zod';
import type { BuiltinExporter, ExportedReport, Exporter } from './types.js';

const configSchema = z.strictObject({
  path: z.string().min(1).describe('File to append JSON lines to, or "-" for standard output.'),
});

class JsonExporter implements Exporter {
  readonly #path: string;

  constructor(config: Record<string, unknown>) {
    this.#path = configSchema.parse(config).path;
  }

  /** Appends the report as one JSON line. Rejects with the file system's error (EACCES, ENOSPC...). */
  async export(report: ExportedReport): Promise<void> {
    const line = `${JSON.stringify(report)}\n`;
    if (this.#path === '-') {
      process.stdout.write(line);
      return;
    }
    await mkdir(dirname(this.#path), { recursive: true });
    await appendFile(this.#path, line);
  }
}

export const jsonExporter: BuiltinExporter = {
  create: (config) => new JsonExporter(config),
  configSchema,
  reportVersion: 2,
};
