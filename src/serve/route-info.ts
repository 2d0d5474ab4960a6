/**
 * How a routed server says where each request went: the `x-scratchpad-route` response header (the
 * chosen option's name; several names joined by "," when the choices of one request went to
 * different options) and a `route` field ({option, name}) on each choice and on the response.
 * Servers without a router add nothing.
 */
import type { GenerationResult, ServeBackend } from "./backend.js";

/** The response header that names the option that answered. */
export const ROUTE_HEADER = "x-scratchpad-route";

/** Header for a response whose results are known. */
export function routeHeader(results: GenerationResult[]): Record<string, string> {
  const names = [...new Set(results.flatMap((g) => (g.route ? [g.route.name] : [])))];
  return names.length > 0 ? { [ROUTE_HEADER]: names.join(",") } : {};
}

/** Header for a stream, from a backend that decides from the prompt before generating. */
export function routeHeaderBefore(backend: ServeBackend, prompts: string[]): Record<string, string> {
  if (!backend.route) return {};
  const names = [...new Set(prompts.flatMap((p) => backend.route?.(p)?.name ?? []))];
  return names.length > 0 ? { [ROUTE_HEADER]: names.join(",") } : {};
}

/** The `route` field of one choice (empty when the server has no router). */
export function routeField(g: GenerationResult): { route?: { option: number; name: string } } {
  return g.route ? { route: g.route } : {};
}

/** The response-level `route` field: present when every choice went to the same option. */
export function responseRouteField(results: GenerationResult[]): { route?: { option: number; name: string } } {
  const first = results[0]?.route;
  return first && results.every((g) => g.route?.option === first.option) ? { route: first } : {};
}
