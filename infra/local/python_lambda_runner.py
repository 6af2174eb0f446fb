"""Runs one invocation of a Python Lambda handler for the local twin (infra/local/python-handler.ts).

Usage: python3 -B python_lambda_runner.py <handler file> <function name> [--check]

Reads {"event": ..., "context": {...}} as JSON on stdin, calls <function name>(event, context) the way Lambda's
Python runtime does, and writes {"result": ...} or {"errorType", "errorMessage", "stackTrace"} as JSON on file
descriptor 3, so that whatever the handler prints (its logs) stays on stdout and stderr. With --check it only
loads the file and checks that the function exists. Standard library only, Python 3.11 syntax.
"""

import importlib.util
import json
import os
import sys
import time
import traceback


class LambdaContext:
    """The attributes and method of Lambda's Python context object that handlers use."""

    def __init__(self, fields):
        self.function_name = fields["functionName"]
        self.function_version = fields["functionVersion"]
        self.invoked_function_arn = fields["invokedFunctionArn"]
        self.memory_limit_in_mb = int(fields["memoryLimitInMB"])
        self.aws_request_id = fields["awsRequestId"]
        self.log_group_name = fields["logGroupName"]
        self.log_stream_name = fields["logStreamName"]
        self._deadline_ms = fields["deadlineMs"]

    def get_remaining_time_in_millis(self):
        return max(0, int(self._deadline_ms - time.time() * 1000))


def load_handler(path, name):
    folder = os.path.dirname(os.path.abspath(path))
    sys.path.insert(0, folder)
    module_name = os.path.splitext(os.path.basename(path))[0]
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path} as a Python module")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    handler = getattr(module, name, None)
    if not callable(handler):
        raise AttributeError(f"{os.path.basename(path)} has no function named {name}")
    return handler


def main():
    path, name = sys.argv[1], sys.argv[2]
    check_only = sys.argv[3:] == ["--check"]
    with os.fdopen(3, "w", encoding="utf-8") as out:
        try:
            handler = load_handler(path, name)
            if check_only:
                out.write(json.dumps({"ok": True}))
                return 0
            payload = json.load(sys.stdin)
            result = handler(payload["event"], LambdaContext(payload["context"]))
            out.write(json.dumps({"result": result}))
            return 0
        except Exception as error:  # noqa: BLE001 - every failure is reported, as Lambda's runtime does
            out.write(
                json.dumps(
                    {
                        "errorType": type(error).__name__,
                        "errorMessage": str(error),
                        "stackTrace": traceback.format_exc().splitlines(),
                    }
                )
            )
            return 1


if __name__ == "__main__":
    sys.exit(main())
