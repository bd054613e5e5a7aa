/**
 * jq extraction of a metric value from a JSON response (Iter8 `jqExpression`, issue 10 item 5), run by real
 * jq compiled to WebAssembly: the npm package `jq-wasm` (jq 1.8.2, Emscripten).
 *
 * Why jq-wasm rather than jq-web 0.6.2 (node 20, 2 shared cores): fidelity, on the 204 expressions of
 * test/fixtures/jq/corpus.json, jq-wasm agrees with gojq (Iter8's engine) on 193 first outputs, jq-web on
 * 192 (jq-web ships a pre-1.7.1 jq: it reads `" 12" | tonumber` as 12, which gojq and Go refuse, and lacks
 * `trim`, `have_decnum`); speed, on a Prometheus answer and `.data.result.[0].value.[1] | tonumber` in one
 * thread, jq-wasm ran about 1,740 extractions/s and jq-web 1,450/s; both load in about 20 ms. jq-wasm also
 * offers a synchronous handle after an async load and reports jq's exit code and stderr. Both accept `.a.[0]`
 * (a dot before a bracket, jq 1.7+), which the shipped Iter8 provider files use.
 * Cost: the per-call time (about 0.6 ms) is jq's own start-up inside every call (it re-reads its builtins and
 * compiles the program each time: the library takes program text, not a compiled program), so the "compile
 * once" cache here holds the validated, wrapped program or its syntax error, not jq bytecode. Through the
 * worker thread, bench/jq-extract.mjs measures 850 to 1,000 extractions/s against 52 to 55/s for a `jq`
 * process per extraction (16x to 18x; `node bench/run.mjs jq-extract`).
 *
 * Semantics, as Iter8 (gojq, `base/custom_metrics.go`) used the expression:
 * - only the FIRST output counts; the program runs as `first(PROGRAM)`, so later outputs, later errors and
 *   endless generators after the first output are never evaluated;
 * - the value must be a number, or a string Go's `strconv.ParseFloat` accepts (`"21.7639"` works without
 *   `tonumber`); null, NaN, booleans, arrays, objects, other strings, no output and jq errors make the value
 *   unavailable with the reason. Infinity is kept (Iter8 kept it); jq prints it as 1.7976931348623157e+308,
 *   so the wrapper reports infinities and NaN out of band.
 *
 * Untrusted bodies: a document of more than MAX_JQ_INPUT_BYTES bytes is refused. The text must be one strict
 * JSON value (JSON.parse, as Go's json.Unmarshal; jq alone would accept `nan` or several values). jq runs in
 * one worker thread (the WebAssembly call is synchronous and cannot be interrupted from inside): a run that
 * exceeds its timeout (default 5 s) terminates the thread, which is restarted for the next extraction, so an
 * endless program costs its timeout and never hangs the process. A program exhausting the WebAssembly memory
 * (it grows to the build's limit first, a few seconds) ends with jq's abort as its error, and the thread is
 * replaced too (checked by hand: about 4 s). Extractions are serialised through that one thread (a metric
 * fetch is dominated by its HTTP request). The WebAssembly jq sees Emscripten's fixed, fake environment in
 * `$ENV` (USER=web_user...), never the process environment (tested), and its `import` of JSON data does not
 * reach host files (checked by hand with jq-wasm 3.0.0).
 *
 * Differences kept, found by test/lang/jq.differential.test.ts (each recorded with its reason in the corpus):
 * - from gojq: `"NaN" | tonumber` is NaN here, an error in gojq (unavailable either way); `"+Inf"`, `"-Inf"`,
 *   `"infinity"` | tonumber are ±Inf here, an error in gojq (so `| tonumber` gives Iter8 no value there,
 *   while the string without tonumber gave it ±Inf); `.[]` on an object follows document order, gojq sorted
 *   key order; `0/0` is an error here, NaN in gojq; `$__loc__` exists here only;
 * - from both command lines (jq 1.6, gojq): an empty program is an error here ("no program given"), the
 *   identity for them;
 * - from Debian's jq 1.6 only: it rejects `.a.[0]`, reads `" 12" | tonumber` as 12, and gives NaN for `0/0`.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { KeyedOnce } from '../async/keyed-once.js';
import { parseGoFloat } from './go-float.js';

/** Largest JSON document accepted, in UTF-8 bytes (16 MiB): far above any metric query answer. */
export const MAX_JQ_INPUT_BYTES = 16 * 1024 * 1024;

/** Default limit on one jq run, in milliseconds. */
export const DEFAULT_JQ_TIMEOUT_MS = 5000;

/**
 * What jq reads: the raw response body (`text`, checked to be one strict JSON value), or an already parsed
 * JSON value (`json`, written back as JSON for jq).
 */
export type JqDocument = { text: string } | { json: unknown };

/** A metric value extracted by jq, or why none could be. */
export type JqValue = { value: number } | { error: string };

/** The first output of a jq program: a JSON value (NaN and ±Infinity as numbers), none, or an error. */
export type JqFirstOutput = { output: unknown } | { none: true } | { error: string };

/** What the worker answers for one run (jq-wasm's `raw` result). */
interface RawRun {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/**
 * The worker: jq-wasm loaded once, one `raw` call per message, announced by a `started` message so that
 * the timeout counts the run only, not the thread's start and jq's load. Inline CommonJS (jq-wasm ships
 * CommonJS) so it runs the same from the TypeScript sources under vitest and from dist/.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { loadJq } = require(workerData.modulePath);
// Emscripten also prints an abort (memory exhausted) to the console; the caller gets it in the result.
console.error = console.warn = () => {};
loadJq().then((jq) => {
  parentPort.on('message', ({ input, program }) => {
    parentPort.postMessage('started');
    let result;
    try {
      result = jq.raw(input, program, ['-c']);
    } catch (error) {
      result = { stdout: '', stderr: String((error && error.message) || error), exitCode: -1 };
    }
    parentPort.postMessage(result);
  });
});
`;

/**
 * First output, tagged so NaN and infinities survive jq's JSON printing. The newline keeps a trailing
 * `# comment` of the program from swallowing the closing parenthesis.
 */
const runProgram = (program: string) =>
  `first(${program}\n)|if type=="number" and isnan then ["nan"] elif type=="number" and isinfinite then ["inf",(if .>0 then 1 else -1 end)] else ["out",.] end`;

/** Syntax check result of one program text. */
type Compiled = { wrapped: string } | { error: string };

interface Job {
  input: string;
  program: string;
  resolve: (run: RawRun | { error: string }) => void;
}

/**
 * A jq engine: one worker thread running jq-wasm, started on first use. Thread-safe in the JavaScript sense
 * (calls queue). `close` stops the thread; the engine restarts it if used again.
 */
export class JqEngine {
  readonly #timeoutMs: number;
  readonly #compiled = new KeyedOnce<Compiled>('forget');
  readonly #queue: Job[] = [];
  #worker: Worker | undefined;
  #busy = false;

  /** @param options.timeoutMs limit on one jq run in milliseconds (default DEFAULT_JQ_TIMEOUT_MS). */
  constructor(options: { timeoutMs?: number } = {}) {
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_JQ_TIMEOUT_MS;
  }

  /**
   * The metric value `program` extracts from `document`.
   * Never throws: every failure is `{ error }` with the reason.
   */
  async extractValue(program: string, document: JqDocument): Promise<JqValue> {
    const first = await this.firstOutput(program, document);
    if ('error' in first) return first;
    if ('none' in first) return { error: `jq program ${quote(program)} produced no output` };
    return metricValue(first.output);
  }

  /**
   * The first output of `program` on `document`.
   * Never throws: a syntax error, a jq error, an invalid or too large document, a timeout are `{ error }`.
   */
  async firstOutput(program: string, document: JqDocument): Promise<JqFirstOutput> {
    const input = inputText(document);
    if (typeof input !== 'string') return input;
    let compiled: Compiled;
    try {
      compiled = await this.#compile(program);
    } catch (error) {
      return { error: (error as Error).message };
    }
    if ('error' in compiled) return compiled;
    const run = await this.#run(compiled.wrapped, input);
    if ('error' in run) return run;
    if (run.exitCode !== 0) return { error: `jq error: ${runtimeMessage(run)}` };
    if (run.stdout === '') return { none: true };
    const [tag, value] = JSON.parse(run.stdout) as [string, unknown];
    if (tag === 'nan') return { output: Number.NaN };
    if (tag === 'inf') return { output: (value as number) * Number.POSITIVE_INFINITY };
    return { output: value };
  }

  /** Stops the worker thread (pending extractions end with an error). */
  async close(): Promise<void> {
    const worker = this.#worker;
    this.#worker = undefined;
    for (const job of this.#queue.splice(0)) job.resolve({ error: 'jq engine closed' });
    if (worker) await worker.terminate();
  }

  #compile(program: string): Promise<Compiled> {
    return this.#compiled.get(program, async () => {
      // No input at all: jq compiles the program and reports its errors, then has nothing to run it on.
      const run = await this.#run(program, '');
      if ('error' in run) throw new Error(run.error); // infrastructure failure: retried next time
      if (run.exitCode !== 0)
        return { error: `jq program ${quote(program)} is invalid: ${compileMessage(run)}` };
      return { wrapped: runProgram(program) };
    });
  }

  #run(program: string, input: string): Promise<RawRun | { error: string }> {
    return new Promise((resolve) => {
      this.#queue.push({ input, program, resolve });
      this.#next();
    });
  }

  #next(): void {
    if (this.#busy) return;
    const job = this.#queue.shift();
    if (!job) {
      this.#worker?.unref(); // an idle engine never keeps the process alive
      return;
    }
    this.#busy = true;
    const worker = this.#startedWorker();
    worker.ref();
    const finish = (result: RawRun | { error: string }) => {
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      this.#busy = false;
      job.resolve(result);
      this.#next();
    };
    const discard = () => {
      if (this.#worker === worker) this.#worker = undefined;
    };
    let timer: NodeJS.Timeout | undefined;
    const onMessage = (message: RawRun | 'started') => {
      if (message !== 'started') {
        // jq threw out of WebAssembly (an abort): its memory may be corrupt, so start afresh next time.
        if (message.exitCode === -1) {
          discard();
          void worker.terminate();
        }
        return finish(message);
      }
      timer = setTimeout(() => {
        discard();
        void worker.terminate();
        finish({ error: `jq program did not finish within ${this.#timeoutMs / 1000} s` });
      }, this.#timeoutMs);
    };
    const onError = (error: Error) => {
      discard();
      finish({ error: `jq worker failed: ${error.message}` });
    };
    const onExit = (code: number) => {
      discard();
      finish({ error: `jq worker stopped (exit code ${code})` });
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.postMessage({ input: job.input, program: job.program });
  }

  #startedWorker(): Worker {
    this.#worker ??= new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { modulePath: createRequire(import.meta.url).resolve('jq-wasm') },
    });
    return this.#worker;
  }
}

/** The JSON text handed to jq, or why the document is refused. */
function inputText(document: JqDocument): string | { error: string } {
  let text: string;
  if ('text' in document) {
    text = document.text;
    if (Buffer.byteLength(text) > MAX_JQ_INPUT_BYTES) return tooLarge(text);
    try {
      JSON.parse(text);
    } catch (error) {
      return { error: `response is not valid JSON: ${(error as Error).message}` };
    }
    return text;
  }
  try {
    text = JSON.stringify(document.json) ?? 'null';
  } catch (error) {
    return { error: `document cannot be written as JSON: ${(error as Error).message}` };
  }
  return Buffer.byteLength(text) > MAX_JQ_INPUT_BYTES ? tooLarge(text) : text;
}

const tooLarge = (text: string) => ({
  error: `response of ${Buffer.byteLength(text)} bytes exceeds the ${MAX_JQ_INPUT_BYTES} bytes jq accepts`,
});

/** Iter8's rule: a number, or a string `strconv.ParseFloat` reads; NaN is dropped. */
function metricValue(output: unknown): JqValue {
  let value: number | undefined;
  if (typeof output === 'number') value = output;
  else if (typeof output === 'string') {
    value = parseGoFloat(output);
    if (value === undefined) return { error: `jq result ${excerpt(output)} is not a number` };
  } else {
    const kind = output === null ? 'null' : Array.isArray(output) ? 'an array' : typeof output;
    return { error: `jq result is ${kind}, not a number` };
  }
  if (Number.isNaN(value)) return { error: 'jq result is NaN' };
  return { value };
}

const quote = (text: string) => JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}…` : text);
const excerpt = (text: string) => JSON.stringify(text.length > 64 ? `${text.slice(0, 64)}…` : text);

/** jq's runtime error without its `jq: error (at /dev/stdin:0): ` prefix. */
function runtimeMessage(run: RawRun): string {
  const text = run.stderr.trim() || `exit status ${run.exitCode}`;
  return text.replace(/^jq: error \(at [^)]*\)(?: \(not a string\))?: /, '');
}

/** jq's first compile error, with its position in the program (`at line 1, column 5`). */
function compileMessage(run: RawRun): string {
  const first = run.stderr.split('\n')[0] || `exit status ${run.exitCode}`;
  return first
    .replace(/^jq: error: /, '')
    .replace(/ at <top-level>, (line \d+(?:, column \d+)?):?$/, ' at $1');
}

let shared: JqEngine | undefined;

/** The process-wide engine (default timeout), started on first use; idle, it never keeps Node alive. */
export function sharedJqEngine(): JqEngine {
  shared ??= new JqEngine();
  return shared;
}
