/** The live training dashboard: an SSE server and page (server.ts, page.ts) and its CLI options. */
export { Dashboard, DashboardError, startDashboard, type DashboardEnd, type DashboardEvent, type DashboardOptions } from "./server.js";
export { dashboardPage } from "./page.js";
export { DASHBOARD_OPTIONS, DEFAULT_DASHBOARD_PORT, dashboardPlan, openDashboard, splitDashboardLayer, underCI, type DashboardSettings } from "./options.js";
