"""Fixture handlers for the twin's LOCAL_ROUTES_FILE tests (test/support/local-routes/routes.json)."""

import json
import time


def sleepy(event, context):
    time.sleep(5)
    return {"statusCode": 200, "body": "woke up"}


def remaining(event, context):
    return {
        "statusCode": 200,
        "headers": {"content-type": "application/json"},
        "body": json.dumps(
            {
                "remainingMs": context.get_remaining_time_in_millis(),
                "functionName": context.function_name,
                "pathParameters": event.get("pathParameters"),
            }
        ),
    }
