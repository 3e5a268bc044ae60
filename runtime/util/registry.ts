import { ConfigError } from "../protocol/errors.ts";

/**
 * The plugin registered under `name` in `registry`; an unknown name is a configuration error naming `field`, the
 * value and the names allowed. Strategies, valuations and latency models are all chosen this way.
 */
export function pickByName<T>(registry: Readonly<Record<string, T>>, field: string, name: string): T {
  if (Object.hasOwn(registry, name)) return registry[name]!;
  const allowed = Object.keys(registry).join(", ");
  throw new ConfigError(field, `Expected \`${field}\` to be one of ${allowed}, got ${JSON.stringify(name)}.`);
}
