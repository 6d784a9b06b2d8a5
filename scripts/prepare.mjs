// `npm install`/`npm ci` run this: it compiles TypeScript to dist/. A production install
// (`npm ci --omit=dev`) has no TypeScript; then it says so and leaves dist/ as it is, instead of failing.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
let tsc;
try {
  tsc = require.resolve("typescript/bin/tsc");
} catch {
  console.warn("prepare: TypeScript is not installed (a production install); using the dist/ already built.");
  process.exit(0);
}
const { status } = spawnSync(process.execPath, [tsc, "-p", "tsconfig.json"], { stdio: "inherit" });
process.exit(status ?? 1);
