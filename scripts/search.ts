// npm run search -- "query" [--json] [--k N] [--source GLOB] [--since DATE] [--until DATE]
import "dotenv/config";
import { runQuery } from "../src/cli/run-query.js";

process.exitCode = await runQuery("search", process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
});
