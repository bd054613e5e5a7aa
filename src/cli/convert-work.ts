/**
 * The work of `slokit convert` (see convert.ts): read the OpenSLO files, convert them (config/openslo.ts),
 * print the notes on stderr and write or print the slokit files.
 */
import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ConfigError, type ConfigIssue, formatIssue } from '../config/errors.js';
import { listSloFiles } from '../config/load.js';
import { type Conversion, convertOpenslo, parseOpenslo } from '../config/openslo.js';
import type { SourceDocument } from '../config/yaml-source.js';
import { EXIT, UsageError } from './context.js';
import type { ConvertFlags } from './convert.js';

/** Directory of the SLO files inside the output directory. */
const SLO_DIR = 'slos';

/** A file the conversion produces: its path in the output directory and its YAML text. */
interface OutputFile {
  name: string;
  text: string;
}

/** Reads and parses every OpenSLO file; throws one ConfigError with every unreadable file or YAML problem. */
async function readDocuments(paths: readonly string[]): Promise<SourceDocument[]> {
  const listed = await Promise.all(paths.map(listSloFiles));
  const issues: ConfigIssue[] = listed.flatMap((l) => l.issues);
  const docs: SourceDocument[] = [];
  for (const { file } of listed.flatMap((l) => l.files)) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      issues.push({
        file,
        line: 0,
        column: 0,
        path: '',
        message: `cannot read file: ${(error as Error).message}`,
      });
      continue;
    }
    const parsed = parseOpenslo(text, file);
    issues.push(...parsed.issues);
    docs.push(...parsed.docs);
  }
  if (issues.length) throw new ConfigError(issues);
  return docs;
}

/** YAML of one output file; long PromQL stays on one line. */
const yaml = (header: string, value: unknown) => `${header}\n${stringify(value, { lineWidth: 0 })}`;

/** The files of a conversion: `slos/<name>.yaml` per SLO, then `config.yaml` (an SLO may be named config). */
export function outputFiles(conversion: Conversion): OutputFile[] {
  const files = conversion.slos.map(({ config, from }) => ({
    name: `${SLO_DIR}/${config.metadata.name}.yaml`,
    text: yaml(`# Converted by slokit convert --from openslo from ${from}`, config),
  }));
  files.push({
    name: 'config.yaml',
    text: yaml(
      '# Shared config of the converted SLOs (slokit convert --from openslo): add exporters as needed.',
      conversion.config,
    ),
  });
  return files;
}

/** Writes the files into `dir`; refuses (before writing any) to overwrite one unless `force`. */
async function writeFiles(dir: string, files: readonly OutputFile[], force: boolean): Promise<void> {
  if (!force) {
    const existing: string[] = [];
    for (const { name } of files) {
      const exists = await access(join(dir, name)).then(
        () => true,
        () => false,
      );
      if (exists) existing.push(name);
    }
    if (existing.length) {
      throw new UsageError(`${dir} already has ${existing.join(', ')}; use --force to overwrite`);
    }
  }
  await mkdir(join(dir, SLO_DIR), { recursive: true });
  for (const { name, text } of files) await writeFile(join(dir, name), text);
}

/** Runs `slokit convert`; returns the exit code (see convert.ts). */
export async function runConvert(paths: string[], flags: ConvertFlags): Promise<number> {
  const conversion = convertOpenslo(await readDocuments(paths));
  for (const note of conversion.notes) process.stderr.write(`slokit: ${formatIssue(note)}\n`);
  if (conversion.slos.length === 0) {
    process.stderr.write(`slokit: nothing converted from ${paths.join(', ')}\n`);
    return EXIT.usage;
  }
  const files = outputFiles(conversion);
  if (flags.output === undefined) {
    process.stdout.write(files.map((f) => `# ${f.name}\n${f.text}`).join('---\n'));
  } else {
    await writeFiles(flags.output, files, flags.force);
    process.stdout.write(
      `wrote ${conversion.slos.length} SLO file(s) to ${join(flags.output, SLO_DIR)} and ${join(flags.output, 'config.yaml')}\n`,
    );
  }
  return conversion.notes.length ? EXIT.failed : EXIT.ok;
}
