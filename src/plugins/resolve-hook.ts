/**
 * Module resolution hook for plugin modules (registered by loader.ts through `module.register`):
 * the bare specifier `slokit` in a user's plugin resolves to the running slokit package, so a plugin file
 * kept next to a config works without slokit installed in that folder.
 */
let slokitUrl: string | undefined;

/** Receives the URL of slokit's entry point. */
export function initialize(data: { slokitUrl: string }): void {
  slokitUrl = data.slokitUrl;
}

type NextResolve = (specifier: string, context: unknown) => Promise<{ url: string }>;

/** Resolves `slokit` to the running package; everything else goes down the chain unchanged. */
export async function resolve(specifier: string, context: unknown, nextResolve: NextResolve) {
  if (specifier === 'slokit' && slokitUrl) return { url: slokitUrl, shortCircuit: true };
  return nextResolve(specifier, context);
}
