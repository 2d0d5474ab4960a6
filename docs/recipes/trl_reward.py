"""TRL reward function scored by scratchpad's reward server (POST /verify); see docs/reward-server.md.
GRPOTrainer(model=..., reward_funcs=[scratchpad_math_reward], train_dataset=ds)  # ds has a "solution" column"""
import os

import requests

URL = os.environ.get("SCRATCHPAD_REWARD_URL", "http://127.0.0.1:5000") + "/verify"


def scratchpad_math_reward(completions, solution, **kwargs):
    # Conversational datasets give each completion as messages; standard ones as a string.
    texts = [c[-1]["content"] if isinstance(c, list) else c for c in completions]
    items = [{"gold": str(gold), "pred": text} for gold, text in zip(solution, texts)]
    results = requests.post(URL, json={"kind": "math", "items": items}, timeout=300).json()["results"]
    return [1.0 if r.get("correct") else 0.0 for r in results]
