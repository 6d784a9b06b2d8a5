// What the bot tells whoever watches it (metrics, the answers and gaps logs). Every hook is optional and must
// not throw: watching the bot never gets in the way of answering.

export interface AnsweredEvent {
  answerId: string;
  userId: string;
  guildId: string | null;
  /** As the member asked it. */
  question: string;
  /** The standalone question retrieval used (differs from `question` for a follow-up). */
  standalone: string;
  /** From admission to answer, queueing included: what the member waited. */
  ms: number;
  citations: number;
  abstained: boolean;
  followUp: boolean;
  /** Epoch milliseconds. */
  at: number;
}

export interface BotEvents {
  answered?(event: AnsweredEvent): void;
  rateLimited?(event: { userId: string }): void;
  /** An interaction or a message whose handling failed (the member was told, the log has the detail). */
  failed?(event: { where: "interaction" | "message" }): void;
}
