# Drives veRL's SandboxFusion client (verl_sandbox_client.py) against a server's /run_code, as veRL's reward
# manager does: check_correctness per response, all cases at once.
# Usage: python3 verl_drive.py URL < cases.json   (cases: [{"name", "language", "code", "inputs", "outputs", "timeout"?}])
# Prints JSON: {"results": {name: [...]}, "statuses": {name: [...]}, "requests": n, "api_errors": [...]}.
import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
import verl_sandbox_client as client  # noqa: E402

url = sys.argv[1] + "/run_code"
out = {"results": {}, "statuses": {}, "api_errors": []}
cases = json.load(sys.stdin)
for case in cases:
    results, meta = client.check_correctness(url, {"inputs": case["inputs"], "outputs": case["outputs"]}, case["code"], case.get("timeout", 10), 1024, case["language"])
    out["results"][case["name"]] = results
    out["statuses"][case["name"]] = [m["status"] for m in meta]
    out["api_errors"] += [m["api_request_error"] for m in meta if m.get("api_request_error")]
out["requests"] = len(client.attempts)
out["cases"] = sum(len(c["inputs"]) for c in cases)
print(json.dumps(out))
