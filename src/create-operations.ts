// The bot's operations, composed once for src/main.ts and the tests alike: the reloadable pipeline and the
// watch on INDEX_DIR/CURRENT, /reindex's runner, the answers/gaps/feedback logs, metrics, and /healthz.
import { resolve } from "node:path";
import { openPipelineWithIndex } from "./app/open-pipeline.js";
import type { Config } from "./base/config.js";
import { createFeedbackStore } from "./ops/feedback-store.js";
import { readCurrentGeneration } from "./index/index-layout.js";
import type { Logger } from "./base/log.js";
import { createActivityLog } from "./ops/activity-log.js";
import { startHealthServer, type HealthReport, type HealthServer } from "./ops/health-server.js";
import { createMetrics, type Gauge, type Metrics } from "./ops/metrics.js";
import { createReindexRunner, type ReindexRunner } from "./serving/reindex-runner.js";
import { createReloadablePipeline, type IndexedPipeline, type ReloadablePipeline } from "./serving/reloadable-pipeline.js";
import { summarizeActivity, summarizeGaps } from "./ops/summarize-activity.js";
import { watchIndexPointer, type IndexPointerWatcher } from "./serving/watch-index-pointer.js";
import type { BotEvents, FeedbackStore, OpsServices } from "./discord/bot-ports.js";

export interface OperationsOptions {
  config: Config;
  log: Logger;
  /** Opens the index CURRENT names; `first` builds one when there is none. Default: the app's real pipeline. */
  open?: (first: boolean) => Promise<IndexedPipeline>;
  runner?: ReindexRunner;
  now?: () => number;
  /** How often CURRENT is read besides fs.watch. */
  pollMs?: number;
  /** Size at which each JSON Lines log is rotated. */
  maxLogBytes?: number;
}

export interface Operations {
  pipeline: ReloadablePipeline;
  events: BotEvents;
  services: OpsServices;
  feedback: FeedbackStore;
  metrics: Metrics;
  /** Starts /healthz and /metrics when HEALTH_PORT is set; resolves to their base URL. */
  startHealthServer(): Promise<string | undefined>;
  /** Loads the index (building it when there is none), then follows every build. Throws when it cannot load. */
  loadIndex(): Promise<void>;
  /** Health and metrics report this bot's gateway connection. */
  attachBot(bot: { isConnected(): boolean }): void;
  stop(): Promise<void>;
}

/** The build child's environment: the bot's configuration, and no secret the build does not use. */
export function buildEnvironment(config: Config, base: Record<string, string | undefined> = process.env): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...base };
  delete env.DISCORD_TOKEN;
  delete env.ANTHROPIC_API_KEY;
  const set = (name: keyof Config, value: string | number | undefined) => (env[name] = value === undefined ? "" : String(value));
  // Absolute paths: the child must build exactly the index this process serves, whatever its cwd.
  set("CORPUS_DIR", resolve(config.CORPUS_DIR));
  set("INDEX_DIR", resolve(config.INDEX_DIR));
  set("DATA_DIR", resolve(config.DATA_DIR));
  set("CORPUS_FOLLOW_LINKS_OUTSIDE", String(config.CORPUS_FOLLOW_LINKS_OUTSIDE));
  set("EMBEDDINGS_PROVIDER", config.EMBEDDINGS_PROVIDER);
  set("EMBEDDINGS_MODEL", config.EMBEDDINGS_MODEL);
  set("EMBEDDINGS_BATCH_SIZE", config.EMBEDDINGS_BATCH_SIZE);
  set("OPENAI_BASE_URL", config.OPENAI_BASE_URL);
  set("OPENAI_API_KEY", config.OPENAI_API_KEY);
  // The build needs no chat model; its configuration must not make the child refuse to start.
  set("LLM_PROVIDER", "none");
  return env;
}

export function describeAnswering(config: Pick<Config, "LLM_PROVIDER" | "LLM_MODEL">): string {
  if (config.LLM_PROVIDER === "none") return "extractive (quotes from the articles, no chat model)";
  return `${config.LLM_PROVIDER} ${config.LLM_MODEL ?? "(provider's default model)"}, checked against the articles`;
}

export function createOperations(options: OperationsOptions): Operations {
  const { config, log } = options;
  const now = options.now ?? Date.now;
  const metrics = createMetrics();
  const open = options.open ?? ((first: boolean) => openPipelineWithIndex(config, log, { buildIfMissing: first }));
  const pipeline: ReloadablePipeline = createReloadablePipeline({
    open: () => open(pipeline.served() === null),
    readGeneration: () => readCurrentGeneration(config.INDEX_DIR),
    log,
    now,
    onReload: (outcome) => metrics.recordReload(outcome.status === "failed" ? "failed" : "reloaded"),
  });
  const logOptions = options.maxLogBytes ? { maxBytes: options.maxLogBytes } : {};
  const activity = createActivityLog({ dataDir: config.DATA_DIR, logQuestions: config.LOG_QUESTIONS, metrics, log, ...logOptions });
  const feedback = createFeedbackStore(resolve(config.DATA_DIR, "feedback.jsonl"), logOptions);
  const runner =
    options.runner ??
    createReindexRunner({
      env: buildEnvironment(config),
      log,
      now,
      secrets: [config.DISCORD_TOKEN, config.OPENAI_API_KEY, config.ANTHROPIC_API_KEY],
    });
  let bot: { isConnected(): boolean } | undefined;
  let watcher: IndexPointerWatcher | undefined;
  let health: HealthServer | undefined;
  const startedAt = now();

  const services: OpsServices = {
    async reindex(request) {
      const outcome = await runner.run(request);
      metrics.recordReindex(outcome.status);
      if (outcome.status !== "built") return outcome;
      // The watch on CURRENT may already have switched; then this finds the generation served.
      return { ...outcome, reload: await pipeline.reload(`/reindex by ${request.requestedBy}`) };
    },
    async stats(guildId) {
      const [answers, ratings] = await Promise.all([activity.answers.readAll(), feedback.readAll()]);
      const served = pipeline.served();
      const failure = pipeline.lastFailure();
      return {
        index: served,
        embedder: served?.embedder ?? null,
        answering: describeAnswering(config),
        activity: summarizeActivity(
          answers.filter((a) => a.guild_id === guildId),
          ratings.filter((f) => (f.guild_id ?? null) === guildId),
          now(),
        ),
        ...(failure ? { lastReloadError: failure } : {}),
      };
    },
    async gaps(guildId) {
      const gaps = await activity.gaps.readAll();
      return summarizeGaps(
        gaps.filter((g) => g.guild_id === guildId),
        now(),
      );
    },
  };

  const checkHealth = (): HealthReport => {
    const served = pipeline.served();
    const reasons: string[] = [];
    if (!bot?.isConnected()) reasons.push("Discord gateway not connected");
    if (!served) reasons.push("index not loaded");
    return {
      reasons,
      details: {
        index: served ? { generation: served.generation, built_at: served.builtAt, articles: served.articles, passages: served.passages } : null,
        reindex_running: runner.running() !== null,
        uptime_seconds: Math.round((now() - startedAt) / 1000),
      },
    };
  };

  const gauges = (): Gauge[] => {
    const served = pipeline.served();
    return [
      { name: "newsdesk_gateway_connected", help: "1 while the Discord gateway connection is ready.", value: bot?.isConnected() ? 1 : 0 },
      { name: "newsdesk_index_loaded", help: "1 once an index is being served.", value: served ? 1 : 0 },
      { name: "newsdesk_index_articles", help: "Articles in the served index.", value: served?.articles ?? 0 },
      { name: "newsdesk_index_passages", help: "Passages in the served index.", value: served?.passages ?? 0 },
      {
        name: "newsdesk_index_built_timestamp_seconds",
        help: "When the served index was built (Unix time).",
        value: served ? Date.parse(served.builtAt) / 1000 : 0,
      },
      { name: "newsdesk_reindex_running", help: "1 while a /reindex build runs.", value: runner.running() ? 1 : 0 },
    ];
  };

  return {
    pipeline,
    events: activity.events,
    services,
    feedback,
    metrics,
    async startHealthServer() {
      if (config.HEALTH_PORT === undefined) return undefined;
      health = await startHealthServer({
        port: config.HEALTH_PORT,
        host: config.HEALTH_HOST,
        check: checkHealth,
        metrics: () => metrics.render(gauges()),
        log,
      });
      return health.url;
    },
    async loadIndex() {
      const first = await pipeline.reload("start");
      if (first.status === "failed") throw new Error(first.message);
      watcher = await watchIndexPointer({
        indexDir: config.INDEX_DIR,
        onChange: () => pipeline.reload("a new index generation was published"),
        log,
        ...(options.pollMs ? { pollMs: options.pollMs } : {}),
      });
      // A build that published between the load and the watch is caught here.
      await pipeline.reload("watch started");
    },
    attachBot(attached) {
      bot = attached;
    },
    async stop() {
      watcher?.close();
      await runner.close();
      await health?.close();
    },
  };
}
