// The buttons under an answer. Their custom_id carries only an action and a short answer id.
import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIComponentInMessageActionRow } from "discord.js";

export const ANSWER_BUTTON_PREFIX = "answer";
export const ANSWER_ACTIONS = ["passages", "up", "down", "thread"] as const;
export type AnswerAction = (typeof ANSWER_ACTIONS)[number];

export interface AnswerButtonOptions {
  /** A thread can only be started on a public message outside a thread. */
  followUp: boolean;
  passages: boolean;
}

export function answerButtonId(action: AnswerAction, answerId: string): string {
  return `${ANSWER_BUTTON_PREFIX}:${action}:${answerId}`;
}

export function parseAnswerButtonId(customId: string): { action: AnswerAction; answerId: string } | undefined {
  const [prefix, action, answerId] = customId.split(":");
  if (prefix !== ANSWER_BUTTON_PREFIX || !answerId) return undefined;
  return (ANSWER_ACTIONS as readonly string[]).includes(action ?? "") ? { action: action as AnswerAction, answerId } : undefined;
}

export function createAnswerButtons(answerId: string, options: AnswerButtonOptions): APIActionRowComponent<APIComponentInMessageActionRow>[] {
  const components: APIComponentInMessageActionRow[] = [];
  if (options.passages) {
    components.push({
      type: ComponentType.Button,
      style: ButtonStyle.Secondary,
      label: "Show passages",
      custom_id: answerButtonId("passages", answerId),
    });
  }
  components.push(
    { type: ComponentType.Button, style: ButtonStyle.Secondary, emoji: { name: "👍" }, custom_id: answerButtonId("up", answerId) },
    { type: ComponentType.Button, style: ButtonStyle.Secondary, emoji: { name: "👎" }, custom_id: answerButtonId("down", answerId) },
  );
  if (options.followUp) {
    components.push({ type: ComponentType.Button, style: ButtonStyle.Primary, label: "Follow up", custom_id: answerButtonId("thread", answerId) });
  }
  return [{ type: ComponentType.ActionRow, components }];
}
