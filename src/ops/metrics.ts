// Counters and one latency histogram in Prometheus' text exposition format (version 0.0.4). Written by hand:
// five series do not justify a client library and its registry.

/** Upper bounds, in seconds, of the answer-time histogram buckets. */
export const LATENCY_BUCKETS_SECONDS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] as const;

export const METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

export interface Gauge {
  name: string;
  help: string;
  value: number;
}

export interface Metrics {
  recordAnswer(ms: number, abstained: boolean): void;
  recordRateLimited(): void;
  recordError(where: "interaction" | "message"): void;
  recordReload(result: "reloaded" | "failed"): void;
  recordReindex(result: "built" | "failed" | "busy"): void;
  /** The exposition text, with the gauges read at scrape time. */
  render(gauges?: readonly Gauge[]): string;
}

const escapeLabel = (value: string) => value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");

/** A number as Prometheus writes it. */
function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  return String(value);
}

export function createMetrics(): Metrics {
  let answers = 0;
  let abstentions = 0;
  let rateLimited = 0;
  let latencySum = 0;
  const buckets = LATENCY_BUCKETS_SECONDS.map(() => 0);
  const errors = { interaction: 0, message: 0 };
  const reloads = { reloaded: 0, failed: 0 };
  const reindexes = { built: 0, failed: 0, busy: 0 };

  const counter = (name: string, help: string, series: Array<[labels: Record<string, string>, value: number]>) => [
    `# HELP ${name} ${help}`,
    `# TYPE ${name} counter`,
    ...series.map(([labels, value]) => `${name}${formatLabels(labels)} ${formatValue(value)}`),
  ];

  return {
    recordAnswer(ms, abstained) {
      answers++;
      if (abstained) abstentions++;
      const seconds = ms / 1000;
      latencySum += seconds;
      LATENCY_BUCKETS_SECONDS.forEach((le, i) => {
        if (seconds <= le) buckets[i]++;
      });
    },
    recordRateLimited: () => void rateLimited++,
    recordError: (where) => void errors[where]++,
    recordReload: (result) => void reloads[result]++,
    recordReindex: (result) => void reindexes[result]++,
    render(gauges = []) {
      const lines = [
        ...counter("newsdesk_answers_total", "Questions answered (abstentions included).", [[{}, answers]]),
        ...counter("newsdesk_abstentions_total", "Questions the articles did not answer.", [[{}, abstentions]]),
        ...counter(
          "newsdesk_errors_total",
          "Interactions and messages whose handling failed.",
          Object.entries(errors).map(([where, n]) => [{ where }, n]),
        ),
        ...counter("newsdesk_rate_limited_total", "Questions refused by the per-member rate limit.", [[{}, rateLimited]]),
        ...counter(
          "newsdesk_index_reloads_total",
          "Index reloads after a build.",
          Object.entries(reloads).map(([result, n]) => [{ result }, n]),
        ),
        ...counter(
          "newsdesk_reindex_total",
          "Builds asked for with /reindex.",
          Object.entries(reindexes).map(([result, n]) => [{ result }, n]),
        ),
        "# HELP newsdesk_answer_duration_seconds Time from a question's admission to its answer, queueing included.",
        "# TYPE newsdesk_answer_duration_seconds histogram",
        ...LATENCY_BUCKETS_SECONDS.map((le, i) => `newsdesk_answer_duration_seconds_bucket{le="${le}"} ${buckets[i]}`),
        `newsdesk_answer_duration_seconds_bucket{le="+Inf"} ${answers}`,
        `newsdesk_answer_duration_seconds_sum ${formatValue(latencySum)}`,
        `newsdesk_answer_duration_seconds_count ${answers}`,
      ];
      for (const gauge of gauges)
        lines.push(`# HELP ${gauge.name} ${gauge.help}`, `# TYPE ${gauge.name} gauge`, `${gauge.name} ${formatValue(gauge.value)}`);
      return `${lines.join("\n")}\n`;
    },
  };
}

function formatLabels(labels: Record<string, string>): string {
  const entries = Object.entries(labels);
  return entries.length ? `{${entries.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(",")}}` : "";
}
