import { defineConfig } from "vitest/config";

const shared = {
  testTimeout: 30_000,
  hookTimeout: 30_000,
};

export default defineConfig({
  test: {
    // Two cores: integration tests start servers and native indexes; keep the run predictable.
    maxWorkers: 2,
    projects: [
      // Core and adapter tests over plain fakes: no servers, no native index, seconds.
      { test: { ...shared, name: "unit", include: ["test/**/*.test.ts"], exclude: ["test/**/*.int.test.ts"] } },
      // Real libraries against the loopback Discord and OpenAI emulators, temporary folders and child processes.
      { test: { ...shared, name: "int", include: ["test/**/*.int.test.ts"] } },
    ],
  },
});
