"""veRL custom_reward_function scored by scratchpad's reward server (POST /verify); see docs/reward-server.md.
custom_reward_function.path=docs/recipes/verl_reward.py custom_reward_function.name=compute_score"""
import os
import re

import requests

URL = os.environ.get("SCRATCHPAD_REWARD_URL", "http://127.0.0.1:5000") + "/verify"


def compute_score(data_source, solution_str, ground_truth, extra_info=None):
    if isinstance(ground_truth, dict):  # code: {"language": "python", "tests": "assert f(1) == 2"}
        blocks = re.findall(r"```[\w+-]*\n(.*?)```", solution_str.split("</think>")[-1], re.S)
        body = {"kind": "code", "items": [{**ground_truth, "code": blocks[-1] if blocks else solution_str}]}
    else:  # math: ground_truth is the gold answer
        body = {"kind": "math", "items": [{"gold": str(ground_truth), "pred": solution_str}]}
    result = requests.post(URL, json=body, timeout=300).json()["results"][0]
    return 1.0 if result.get("correct") else 0.0
