# veRL's SandboxFusion client, reproduced (behaviour, not text) for the reward server's tests.
#
# Follows veRL (https://github.com/volcengine/verl, Apache License 2.0, Copyright 2025 Bytedance Ltd. and/or its
# affiliates), verl/utils/reward_score/sandbox_fusion/utils.py: `call_sandbox_api`, `_process_single_case` and
# `check_correctness`. What they do there, and here:
# - call_sandbox_api: POST json.dumps({compile_timeout, run_timeout, code, stdin, memory_limit_MB, language,
#   files: {}, fetch_files: []}) with Content-Type and Accept application/json and a timeout of
#   compile_timeout + run_timeout + 10 s; a 504 is retried (3 tries, sleeping 1 s, then 2 s); any other HTTP error,
#   request error or bad JSON ends the tries; returns (json, None) or (None, error message).
# - _process_single_case: the case's verdict from the answer: api error or SandboxError -> -1; Failed with a
#   compile step that errored, timed out or returned non-zero -> -4; Failed with a run that timed out -> -3;
#   Failed with a run that errored or returned non-zero -> -2; other Failed -> -1; Success with a Finished run ->
#   True when stdout.rstrip("\n") == expected.rstrip("\n"), else False; anything else -> -1.
# - check_correctness: every case of {"inputs", "outputs"} at once on a thread pool; after a compile error
#   (-4) every later case is -4 too (thread pool of max(32, 5 × cores)). Returns (results, metadata).
# Left out: the `fn_name` wrapper (LeetCode-style call cases); the tests send stdin/stdout cases.
import concurrent.futures
import json
import logging
import os
import time

import requests

logger = logging.getLogger("verl.utils.reward_score.sandbox_fusion.utils")

MAX_RETRIES = 3
INITIAL_RETRY_DELAY = 1
API_TIMEOUT = 10
attempts = []  # one entry per HTTP request made (the tests assert there were no retries)


def call_sandbox_api(url, code, stdin, compile_timeout, run_timeout, memory_limit_mb, language="python"):
    payload = json.dumps({
        "compile_timeout": compile_timeout, "run_timeout": run_timeout, "code": code, "stdin": stdin,
        "memory_limit_MB": memory_limit_mb, "language": language, "files": {}, "fetch_files": [],
    })
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    last_error = None
    for attempt in range(MAX_RETRIES):
        attempts.append(attempt)
        try:
            answer = requests.post(url, headers=headers, data=payload, timeout=compile_timeout + run_timeout + API_TIMEOUT)
            if answer.status_code == 504:
                last_error = f"API Request Error: Gateway Timeout (504) on attempt {attempt + 1}/{MAX_RETRIES}"
                logger.warning(last_error)
                if attempt < MAX_RETRIES - 1:
                    time.sleep(INITIAL_RETRY_DELAY * (attempt + 1))
                continue
            answer.raise_for_status()
            return answer.json(), None
        except requests.exceptions.RequestException as err:
            last_error = f"API Request Error: {err}"
            break
        except json.JSONDecodeError as err:
            last_error = f"API Response JSON Decode Error: {err}"
            break
        except Exception as err:  # noqa: BLE001
            last_error = f"Unexpected Error: {err}"
            break
    return None, (f"API Call Failed: {last_error}" if last_error else "API Call Failed after retries")


def process_single_case(index, stdin_data, expected_output, url, generation, timeout, memory_limit_mb, language):
    answer, error = call_sandbox_api(url, generation, str(stdin_data), timeout, timeout, memory_limit_mb, language)
    meta = {"case_index": index, "api_request_error": error, "status": "unknown", "api_response": answer}
    if error:
        meta["status"] = "api_error"
        return -1, meta
    status = answer.get("status")
    compile_result = answer.get("compile_result")
    run_result = answer.get("run_result")
    compile_status = compile_result.get("status") if compile_result else None
    run_status = run_result.get("status") if run_result else None
    if status == "SandboxError":
        meta["status"] = "sandbox_error"
        return -1, meta
    if status == "Failed":
        if compile_result and (compile_status in ("Error", "TimeLimitExceeded") or (compile_status == "Finished" and compile_result.get("return_code") != 0)):
            meta["status"] = "compile_timeout" if compile_status == "TimeLimitExceeded" else "compile_error"
            return -4, meta
        if run_result:
            if run_status == "TimeLimitExceeded":
                meta["status"] = "timeout"
                return -3, meta
            if run_status == "Error" or (run_status == "Finished" and run_result.get("return_code") != 0):
                meta["status"] = "runtime_error"
                return -2, meta
            meta["status"] = "unknown_failure"
            return -1, meta
        meta["status"] = "unknown_failure_state"
        return -1, meta
    if status == "Success":
        if run_result and run_status == "Finished":
            stdout = run_result.get("stdout") or ""
            ok = str(stdout).rstrip("\n") == str(expected_output).rstrip("\n")
            meta["status"] = "success" if ok else "wrong_answer"
            return ok, meta
        meta["status"] = "unexpected_success_state"
        return -1, meta
    meta["status"] = f"unknown_api_status_{status}"
    return -1, meta


def check_correctness(url, in_outs, generation, timeout=10, memory_limit_mb=1024, language="python"):
    inputs, outputs = in_outs["inputs"], in_outs["outputs"]
    results = [None] * len(inputs)
    metadata = [None] * len(inputs)
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(32, (os.cpu_count() or 1) * 5)) as pool:
        futures = {pool.submit(process_single_case, i, x, outputs[i], url, generation, timeout, memory_limit_mb, language): i for i, x in enumerate(inputs)}
        for future in concurrent.futures.as_completed(futures):
            i = futures[future]
            results[i], metadata[i] = future.result()
    first_compile_error = next((i for i, r in enumerate(results) if r is not True and r == -4), -1)
    if first_compile_error >= 0:
        for i in range(first_compile_error + 1, len(results)):
            results[i] = -4
    return results, metadata
