import { afterAll, describe, expect, it } from 'vitest';
import { loadPluginClass, PluginLoadError } from '../../src/plugins/loader.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir('slokit-loader-');
afterAll(() => dir.cleanup());

describe('loadPluginClass', () => {
  it('names the Python file it found and the JavaScript or TypeScript file to write instead', async () => {
    const python = dir.write('custom/custom_backend.py', 'class CustomBackend: pass\n');
    const error = await loadPluginClass('custom.custom_backend.CustomBackend', [dir.root]).catch((e) => e);
    expect(error).toBeInstanceOf(PluginLoadError);
    expect((error as Error).message).toMatch(
      new RegExp(
        `^plugin "custom\\.custom_backend\\.CustomBackend" not found: found the Python file ${python}, but slokit plugins are JavaScript or TypeScript modules; write custom/custom_backend\\.js or custom/custom_backend\\.ts exporting the same class \\(tried: .*custom_backend\\.js, `,
      ),
    );
  });

  it('says only "not found" when there is no Python file either', async () => {
    await expect(loadPluginClass('custom.nothing.Here', [dir.root])).rejects.toThrow(
      /^plugin "custom\.nothing\.Here" not found; tried: /,
    );
  });

  it('gives up on a module whose top-level code never finishes, naming it, and retries on the next load', async () => {
    const file = dir.write('custom/stuck.mjs', 'await new Promise(() => {});\nexport class Stuck {}\n');
    const load = () => loadPluginClass('custom.stuck.Stuck', [dir.root], { timeoutSeconds: 0.1 });
    await expect(load()).rejects.toThrow(`loading plugin module ${file} timed out after 0.1 s`);
    // The failure is not remembered: a second load waits again (and times out again).
    await expect(load()).rejects.toThrow(PluginLoadError);
  });

  it('loads a module once however many keys name its classes', async () => {
    dir.write(
      'custom/counted.mjs',
      'globalThis.__loads = (globalThis.__loads ?? 0) + 1;\nexport class A {}\nexport class B {}\n',
    );
    const [a, b] = await Promise.all([
      loadPluginClass('custom.counted.A', [dir.root]),
      loadPluginClass('custom.counted.B', [dir.root]),
    ]);
    expect([a.name, b.name]).toEqual(['A', 'B']);
    expect((globalThis as { __loads?: number }).__loads).toBe(1);
  });
});
