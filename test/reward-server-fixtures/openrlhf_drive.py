# Drives OpenRLHF's client (openrlhf_client.py) against a reward server, as the trainer does: one query per
# request with many in flight (one thread per request, like Ray tasks), then the whole batch in one request.
# Usage: python3 openrlhf_drive.py URL < cases.json   (cases: [{"query", "prompt", "label"}])
# Prints JSON: {"single": [answers], "batch": answer, "retries": [logged retry messages]}.
import json
import logging
import sys
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, __import__("os").path.dirname(__file__))
import openrlhf_client  # noqa: E402

retries = []


class Count(logging.Handler):
    def emit(self, record):
        retries.append(record.getMessage())


openrlhf_client.logger.addHandler(Count())
openrlhf_client.logger.setLevel(logging.INFO)

url = sys.argv[1] + "/get_reward"
cases = json.load(sys.stdin)
with ThreadPoolExecutor(max_workers=len(cases)) as pool:
    single = list(pool.map(lambda c: openrlhf_client.remote_rm_fn(url, [c["query"]], [c["prompt"]], [c["label"]]), cases))
batch = openrlhf_client.remote_rm_fn(url, [c["query"] for c in cases], [c["prompt"] for c in cases], [c["label"] for c in cases])
print(json.dumps({"single": single, "batch": batch, "retries": retries}))
