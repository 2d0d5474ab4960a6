/**
 * The dashboard's command-line options (`--dashboard-port PORT`, `--no-dashboard`) as zod fields that
 * `scratchpad start` and `scratchpad train` add to their schemas, and `openDashboard`: whether a run
 * gets a dashboard (not under CI unless a port is given) and starting it with its address printed.
 */
import { z } from "zod";
import { resolveOptions, type Layer } from "../config/schema.js";
import { startDashboard, type Dashboard } from "./server.js";

/** The port tried when `--dashboard-port` is not given (any free port when it is taken). */
export const DEFAULT_DASHBOARD_PORT = 6060;

/** The dashboard's option fields (spread into a command's options schema). */
export const DASHBOARD_OPTIONS = {
  dashboard_port: z
    .number()
    .int()
    .min(0)
    .max(65535)
    .optional()
    .meta({
      description: "port of the live dashboard on 127.0.0.1 (0: any free port); under CI the dashboard runs only when this is given",
      arg: "port",
      defaultText: `${DEFAULT_DASHBOARD_PORT}, or any free port when it is taken`,
    }),
  dashboard: z.boolean().default(true).meta({ description: "serve no live dashboard", boolean: "negate" }),
};

const DashboardSchema = z.object(DASHBOARD_OPTIONS).strict();

/** The dashboard's settings, resolved. */
export type DashboardSettings = z.output<typeof DashboardSchema>;

/**
 * Split a command-line layer into the dashboard's settings (validated, errors naming the flag) and
 * the rest (for the command's own resolver).
 */
export function splitDashboardLayer(layer: Layer): { rest: Layer; dashboard: DashboardSettings } {
  const mine: Record<string, unknown> = {},
    rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(layer.values)) (k === "dashboard_port" || k === "dashboard" ? mine : rest)[k] = v;
  const dashboard = resolveOptions(DashboardSchema, [{ ...layer, values: mine }]);
  return { rest: { ...layer, values: rest }, dashboard };
}

/** True when the environment says CI (`CI` set to anything but "", "0" or "false"). */
export function underCI(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = env.CI;
  return v !== undefined && v !== "" && v !== "0" && v.toLowerCase() !== "false";
}

/**
 * Where a run's dashboard listens, or null for none: none with `--no-dashboard`, none under CI
 * unless `--dashboard-port` is given; the given port exactly (0: any free one), else the default
 * port with any free port as fallback.
 */
export function dashboardPlan(o: Partial<DashboardSettings>, env: NodeJS.ProcessEnv = process.env): { port: number; fallback: boolean } | null {
  if (o.dashboard === false) return null;
  if (o.dashboard_port !== undefined) return { port: o.dashboard_port, fallback: false };
  if (underCI(env)) return null;
  return { port: DEFAULT_DASHBOARD_PORT, fallback: true };
}

/**
 * Start the dashboard a command's settings ask for (see `dashboardPlan`) and print its address
 * through `say`; null when there is none.
 */
export async function openDashboard(
  o: Partial<DashboardSettings>,
  opts: { title: string; afterTraining?: string; say: (line: string) => void; env?: NodeJS.ProcessEnv },
): Promise<Dashboard | null> {
  const plan = dashboardPlan(o, opts.env);
  if (!plan) return null;
  const dash = await startDashboard({ port: plan.port, fallback: plan.fallback, title: opts.title, afterTraining: opts.afterTraining });
  opts.say(`dashboard: ${dash.url} (live while this runs; --no-dashboard turns it off)`);
  return dash;
}
