// Retrieval settings as data: the fusion method, the pool re-ranked, and the re-ranker's weights.
// The weights were fitted by grid search on the news-eval dev questions (scripts/tune-retrieval.ts):
// the text features on the question text alone, then the recency weight on top with each question's date.
// docs/retrieval.md has the table of configurations tried and how this one was chosen.

export const FEATURE_NAMES = [
  "lexical",
  "dense",
  "coverage",
  "proximity",
  "phrase",
  "title",
  "names",
  "numbers",
  "stems",
  "article",
  "answerType",
  "recency",
] as const;

export type FeatureName = (typeof FEATURE_NAMES)[number];
export type RerankWeights = Record<FeatureName, number>;

export interface FusionSettings {
  method: "rrf" | "weighted";
  rrfK: number;
  lexicalWeight: number;
  denseWeight: number;
}

export interface RetrievalSettings {
  /** Candidates asked of each channel. */
  channelDepth: number;
  /** Fused candidates that the re-ranker scores. */
  poolSize: number;
  fusion: FusionSettings;
  weights: RerankWeights;
  diversity: { perArticle: number; window: number; nearDuplicate: number };
}

export const DEFAULT_RETRIEVAL: RetrievalSettings = {
  channelDepth: 50,
  poolSize: 30,
  fusion: { method: "rrf", rrfK: 60, lexicalWeight: 1, denseWeight: 0.2 },
  weights: {
    lexical: 1.5,
    dense: 0,
    coverage: 0.05,
    proximity: 0.1,
    phrase: 0.75,
    title: 0.2,
    names: 0.75,
    numbers: 0,
    stems: 0.1,
    article: 0,
    answerType: 0,
    recency: 1.5,
  },
  diversity: { perArticle: 2, window: 5, nearDuplicate: 0.8 },
};
