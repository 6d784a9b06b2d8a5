// The passage's side of feature extraction, shared by re-ranking and diversity: its terms and rough sentences.
import { lexicalTerms } from "../lexical/lexical-index.js";
import { splitRoughSentences } from "../text/split-sentences.js";
import type { Passage } from "../types.js";

/** What the features (and the near-duplicate check) need from a passage. */
export interface PassageAnalysis {
  /** Body terms in order. */
  tokens: string[];
  /** Where each rough sentence ends in `tokens` (exclusive), in order; an empty sentence ends where it starts. */
  sentenceEnds: number[];
  /** Title terms. */
  title: string[];
}

export type Analyze = (passage: Passage) => PassageAnalysis;

// Not memoized across searches: a memo of analyses kept them alive through garbage collections, and at
// 100k passages the young-generation pauses that cost were several times the tokenizing they saved.
// Within one retrieval, re-ranking and diversity share them (analyzeOnce).
export function analyzePassage(passage: Passage): PassageAnalysis {
  const tokens: string[] = [];
  const sentenceEnds: number[] = [];
  for (const piece of splitRoughSentences(passage.text)) {
    for (const term of lexicalTerms(piece)) tokens.push(term);
    sentenceEnds.push(tokens.length);
  }
  return { tokens, sentenceEnds, title: lexicalTerms(passage.title) };
}

/** An analyzer that analyzes each passage (object) once, for the length of one retrieval. */
export function analyzeOnce(): Analyze {
  const analyses = new Map<Passage, PassageAnalysis>();
  return (passage) => {
    let analysis = analyses.get(passage);
    if (!analysis) {
      analysis = analyzePassage(passage);
      analyses.set(passage, analysis);
    }
    return analysis;
  };
}
