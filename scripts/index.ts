// npm run index [-- --rebuild] [--json] [--strict] [--corpus DIR]
import "dotenv/config";
import { runIndex } from "../src/cli/run-index.js";

process.exitCode = await runIndex(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env });
