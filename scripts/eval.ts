// npm run eval -- --qa FILE [--corpus DIR] [--k 10] [--json] [--source GLOB] [--since DATE] [--until DATE] [--as-of DATE | --no-dates] [--misses]
import "dotenv/config";
import { runEval } from "../src/cli/run-eval.js";

process.exitCode = await runEval(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env });
