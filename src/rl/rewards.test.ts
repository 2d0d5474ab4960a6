// The training reward's shaping terms, with values computed by hand: the length cost on right
// answers and AdaptThink's bonus for answering without thinking, alone and together.
import { describe, expect, it } from "vitest";
import { getTask } from "../tasks/index.js";
import { resolveTrainConfig } from "./config.js";
import { answersWithoutThinking, lengthCost, TrainingReward } from "./rewards.js";

const problem = getTask("addition").generate(1, { difficulty: 2, seed: 3 })[0];
const right = String(problem.answer);
const wrong = String(Number(problem.answer) + 1);

describe("training reward shaping", () => {
  it("costs tokens only on right answers", () => {
    expect(lengthCost(true, 20, 0.01)).toBeCloseTo(-0.2);
    expect(lengthCost(false, 20, 0.01)).toBe(0);
  });

  it("tells a direct answer from one that thinks first", () => {
    expect(answersWithoutThinking("132")).toBe(true);
    expect(answersWithoutThinking(" <think>7+5=12</think>132")).toBe(false);
    // think tags anywhere count as thinking, not only at the start
    expect(answersWithoutThinking("7<think>7+5=12</think>191")).toBe(false);
    expect(answersWithoutThinking("132</think>")).toBe(false);
  });

  it("closes the bonus loopholes: thinking after a first answer, an empty completion, no answer", async () => {
    const r = new TrainingReward(resolveTrainConfig({ direct_answer_bonus: 0.25 }));
    // an answer, then a scratchpad, then the right answer: accuracy only, no bonus (was 1.25)
    const late = await r.score(`7<think>7+5=12</think>${right}`, problem, 14);
    expect(late.components).toMatchObject({ accuracy: 1, direct_answer: 0 });
    expect(late.reward).toBe(1);
    // nothing at all: no answer, no bonus (was 0.25)
    const empty = await r.score("", problem, 1);
    expect(empty.components).toMatchObject({ accuracy: 0, direct_answer: 0 });
    expect(empty.reward).toBe(0);
    expect((await r.score("   ", problem, 3)).reward).toBe(0);
    // an unclosed scratchpad gives no answer and no bonus
    expect((await r.score("<think>7+5=", problem, 6)).reward).toBe(0);
  });

  it("adds the no-thinking bonus to direct answers, right or wrong, and reports each component", async () => {
    const r = new TrainingReward(resolveTrainConfig({ direct_answer_bonus: 0.25 }));
    const direct = await r.score(right, problem, 3);
    expect(direct.reward).toBeCloseTo(1.25);
    expect(direct.components).toMatchObject({ accuracy: 1, direct_answer: 0.25 });
    expect((await r.score(wrong, problem, 3)).reward).toBeCloseTo(0.25);
    const thought = await r.score(`<think>scratch</think>${right}`, problem, 12);
    expect(thought.reward).toBeCloseTo(1);
    expect(thought.components.direct_answer).toBe(0);
  });

  it("combines the length cost with accuracy", async () => {
    const r = new TrainingReward(resolveTrainConfig({ length_penalty: 0.01, max_completion_length: 64 }));
    expect((await r.score(`<think>scratch</think>${right}`, problem, 30)).reward).toBeCloseTo(0.7);
    expect((await r.score(wrong, problem, 30)).reward).toBe(0);
    const plain = new TrainingReward(resolveTrainConfig({}));
    const s = await plain.score(right, problem, 30);
    expect(s.reward).toBe(1);
    expect(s.components).not.toHaveProperty("length");
    expect(s.components).not.toHaveProperty("direct_answer");
  });
});
