// npm run bench [-- --sizes 1000,10000,100000] [--queries 200] [--repeat 3] [--json] [--tune 10000] [--no-doc] [--no-cold-start]
import "dotenv/config";
import { runBench } from "../src/cli/run-bench.js";

process.exitCode = await runBench(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env });
