# OpenRLHF's remote reward-model client, reproduced (behaviour, not text) for the reward server's tests.
#
# Follows OpenRLHF (https://github.com/OpenRLHF/OpenRLHF, Apache License 2.0), openrlhf/utils/remote_rm_utils.py:
# `request_api_wrapper` and `remote_rm_fn_ray` (minus the @ray.remote decorator). What it does there, and here:
# POST {"query": [...], "prompts": [...], "labels": [...]} with requests' json=, header Content-Type:
# application/json, timeout 180 s; raise_for_status(); return the whole decoded JSON (the trainer reads
# "rewards", "scores" and "extra_logs" from it). Any exception (requests' or another) is logged at INFO,
# followed by a 1 s sleep and another try, 5 tries in all, then an Exception. The logger is a plain `logging`
# logger here (OpenRLHF's init_logger wraps one), so that the tests can count the retries it logs.
import logging
import time

import requests

logger = logging.getLogger("openrlhf.utils.remote_rm_utils")

TRIES = 5
TIMEOUT_S = 180
HEADERS = {"Content-Type": "application/json"}


def request_api_wrapper(url, data, try_max_times=TRIES):
    """POST `data`; the decoded JSON answer, retrying on any error like OpenRLHF's wrapper."""
    for _attempt in range(try_max_times):
        try:
            answer = requests.post(url=url, json=data, headers=HEADERS, timeout=TIMEOUT_S)
            answer.raise_for_status()
            return answer.json()
        except requests.RequestException as err:
            logger.info("Request error, please check: %s", err)
        except Exception as err:  # noqa: BLE001 (OpenRLHF catches everything too)
            logger.info("Unexpected error, please check: %s", err)
        time.sleep(1)
    raise Exception(f"Request error for {try_max_times} times, returning None. Please check the API server.")


def remote_rm_fn(api_url, queries, prompts, labels):
    """What OpenRLHF's Ray task `remote_rm_fn_ray` runs for one request."""
    return request_api_wrapper(api_url, {"query": queries, "prompts": prompts, "labels": labels})
