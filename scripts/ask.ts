// npm run ask -- "question" [--json] [--k N] [--source GLOB] [--since DATE] [--until DATE] [--as-of DATE]
import "dotenv/config";
import { runQuery } from "../src/cli/run-query.js";

process.exitCode = await runQuery("ask", process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
});
