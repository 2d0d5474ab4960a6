// Test entry point: the real `scratchpad` CLI run from the TypeScript sources (through tsx), so that
// tests can drive it as a child process without building dist/.
import { run } from "../src/cli/main.js";

await run(process.argv);
