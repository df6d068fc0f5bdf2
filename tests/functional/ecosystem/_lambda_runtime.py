"""Plays the AWS Lambda Python runtime for a handler: run with ``python -I`` (isolated mode).

Usage: python -I _lambda_runtime.py TASK_DIR LAYER_DIR EVENTS_JSON

Like Lambda, the function's code (TASK_DIR, Lambda's /var/task) comes first on ``sys.path``, then
the layer's ``python/`` (Lambda's /opt/python), then the runtime's own packages (this
interpreter's site-packages, standing for /var/runtime with its bundled boto3). Each event in the
EVENTS_JSON list is one invocation of the same warm module. Prints one JSON report.
"""

import importlib
import json
import os
import sys


def main() -> None:
    task_dir, layer_dir, events_file = sys.argv[1:4]
    sys.path[:0] = [task_dir, os.path.join(layer_dir, "python")]
    with open(events_file) as handle:
        events = json.load(handle)
    module = importlib.import_module("lambda_handler")
    results = [module.handler(event, None) for event in events]

    import boto3
    import botocore

    client = boto3.client("connectparticipant", endpoint_url=os.environ["PARTICIPANT_ENDPOINT_URL"])
    print(
        json.dumps(
            {
                "results": results,
                "isolated": bool(sys.flags.isolated),
                "boto3": boto3.__version__,
                "botocore": botocore.__version__,
                "botocore_location": os.path.dirname(botocore.__file__),
                "operations": sorted(client.meta.service_model.operation_names),
                "package_imported": "boto3_connectparticipant_ext" in sys.modules,
            }
        )
    )


if __name__ == "__main__":
    main()
