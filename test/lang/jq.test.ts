/**
 * src/lang/jq.ts: Iter8's rules for a metric value (first output only, a number or a string Go's
 * ParseFloat accepts, NaN and null unavailable), error reasons, input bounds and the timeout of endless
 * programs.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { JqEngine, MAX_JQ_INPUT_BYTES, sharedJqEngine } from '../../src/lang/jq.js';

const prometheus = {
  status: 'success',
  data: { resultType: 'vector', result: [{ metric: {}, value: [1556823494.744, '21.7639'] }] },
};

describe('JqEngine.extractValue', () => {
  const engine = new JqEngine({ timeoutMs: 2000 });
  afterAll(() => engine.close());

  it('reads the shipped Iter8 expressions, dot before bracket included, with or without tonumber', async () => {
    for (const program of [
      '.data.result[0].value[1] | tonumber',
      '.data.result.[0].value.[1] | tonumber',
      '.data.result.[0].value.[1]',
    ]) {
      expect(await engine.extractValue(program, { json: prometheus })).toEqual({ value: 21.7639 });
    }
  });

  it('takes raw JSON text as well as a parsed document, a document with a `text` key included', async () => {
    const text = '{"results":[{"count":80275388}]}';
    expect(await engine.extractValue('.results[0].count', { text })).toEqual({ value: 80275388 });
    expect(await engine.extractValue('.text', { json: { text: '12' } })).toEqual({ value: 12 });
  });

  it("accepts strings Go's strconv.ParseFloat accepts, and keeps infinities", async () => {
    const doc = { a: '0x1p-2', b: '+Inf', c: '1_000', d: '-infinity' };
    expect(await engine.extractValue('.a', { json: doc })).toEqual({ value: 0.25 });
    expect(await engine.extractValue('.b', { json: doc })).toEqual({ value: Number.POSITIVE_INFINITY });
    expect(await engine.extractValue('.c', { json: doc })).toEqual({ value: 1000 });
    expect(await engine.extractValue('.d', { json: doc })).toEqual({ value: Number.NEGATIVE_INFINITY });
    expect(await engine.extractValue('infinite', { json: doc })).toEqual({ value: Number.POSITIVE_INFINITY });
  });

  it('makes null, NaN, booleans, objects and non-numeric strings unavailable with the reason', async () => {
    const doc = { s: ' 12', n: 'NaN', b: true, o: {}, a: [1] };
    expect(await engine.extractValue('.s', { json: doc })).toEqual({
      error: 'jq result " 12" is not a number',
    });
    expect(await engine.extractValue('.n', { json: doc })).toEqual({ error: 'jq result is NaN' });
    expect(await engine.extractValue('.n | tonumber', { json: doc })).toEqual({ error: 'jq result is NaN' });
    expect(await engine.extractValue('.missing', { json: doc })).toEqual({
      error: 'jq result is null, not a number',
    });
    expect(await engine.extractValue('.b', { json: doc })).toEqual({
      error: 'jq result is boolean, not a number',
    });
    expect(await engine.extractValue('.o', { json: doc })).toEqual({
      error: 'jq result is object, not a number',
    });
    expect(await engine.extractValue('.a', { json: doc })).toEqual({
      error: 'jq result is an array, not a number',
    });
  });

  it('reports empty output, jq errors and syntax errors (with their position)', async () => {
    expect(await engine.extractValue('empty', { json: prometheus })).toEqual({
      error: 'jq program "empty" produced no output',
    });
    expect(await engine.extractValue('error("no data")', { json: prometheus })).toEqual({
      error: 'jq error: no data',
    });
    expect(await engine.extractValue('.status | .x', { json: prometheus })).toEqual({
      error: 'jq error: Cannot index string with string ("x")',
    });
    expect(await engine.extractValue('.data.result.[0', { json: prometheus })).toEqual({
      error:
        'jq program ".data.result.[0" is invalid: syntax error, unexpected end of file, ' +
        "expecting '|' or ',' or ']' at line 1, column 15",
    });
    expect(await engine.extractValue('nosuch', { json: prometheus })).toEqual({
      error: 'jq program "nosuch" is invalid: nosuch/0 is not defined at line 1, column 1',
    });
  });

  it('counts only the first output: later outputs and errors are never seen', async () => {
    expect(await engine.extractValue('1, error("later")', { json: null })).toEqual({ value: 1 });
    expect(await engine.extractValue('2, 3', { json: null })).toEqual({ value: 2 });
    expect(await engine.extractValue('repeat(4)', { json: null })).toEqual({ value: 4 });
    expect(await engine.extractValue('.a # trailing comment', { json: { a: 5 } })).toEqual({ value: 5 });
  });

  it('refuses invalid JSON text (jq alone would read `nan` or several values)', async () => {
    for (const text of ['nan', '1 2', '{"a":']) {
      const result = await engine.extractValue('.', { text });
      expect(result).toHaveProperty('error');
      expect((result as { error: string }).error).toMatch(/^response is not valid JSON: /);
    }
  });

  it('refuses a document larger than the bound', async () => {
    const text = `"${'x'.repeat(MAX_JQ_INPUT_BYTES)}"`;
    expect(await engine.extractValue('.', { text })).toEqual({
      error: `response of ${MAX_JQ_INPUT_BYTES + 2} bytes exceeds the ${MAX_JQ_INPUT_BYTES} bytes jq accepts`,
    });
  });

  it("never shows the process environment to jq's $ENV (provider secrets live there)", async () => {
    process.env.SLOKIT_JQ_TEST_SECRET = 's3cret';
    const isolated = new JqEngine();
    try {
      const program = '$ENV | if has("SLOKIT_JQ_TEST_SECRET") then 1 else 0 end';
      expect(await isolated.extractValue(program, { json: null })).toEqual({ value: 0 });
    } finally {
      delete process.env.SLOKIT_JQ_TEST_SECRET;
      await isolated.close();
    }
  });

  it('stops a program that never ends at the timeout and keeps working afterwards', async () => {
    const short = new JqEngine({ timeoutMs: 300 });
    try {
      const [endless, queued] = await Promise.all([
        short.extractValue('last(repeat(1))', { json: null }),
        short.extractValue('.a', { json: { a: 7 } }),
      ]);
      expect(endless).toEqual({ error: 'jq program did not finish within 0.3 s' });
      expect(queued).toEqual({ value: 7 });
    } finally {
      await short.close();
    }
  });
});

describe('sharedJqEngine', () => {
  it('is one engine for the process, working', async () => {
    expect(sharedJqEngine()).toBe(sharedJqEngine());
    expect(await sharedJqEngine().extractValue('.data.result.[0].value.[1]', { json: prometheus })).toEqual({
      value: 21.7639,
    });
  });
});
