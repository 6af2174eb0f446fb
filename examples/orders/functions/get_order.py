"""GET /orders/{id}: a Python Lambda behind the WeChat session authorizer.

Written as another team would write it: standard library only, Python 3.11 syntax, no import from the login
project. The authorizer has already checked the session; the caller is in requestContext.authorizer.lambda
(docs/caller-contract.md). This function never reads the X-Session-Id header.
"""

import json


def _response(status_code, body):
    return {
        "statusCode": status_code,
        "headers": {"content-type": "application/json", "cache-control": "no-store"},
        "body": json.dumps(body),
    }


def _caller(event):
    """The caller's identity from the authorizer's context, or None if the route has no authorizer."""
    context = ((event.get("requestContext") or {}).get("authorizer") or {}).get("lambda") or {}
    openid = context.get("openid")
    if not isinstance(openid, str) or openid == "":
        return None
    return {"openid": openid, "unionid": context.get("unionid"), "appId": context.get("appId")}


def handler(event, context):
    caller = _caller(event)
    if caller is None:
        # Only reachable if the route was deployed without the session authorizer: a wiring bug, not a client error.
        return _response(500, {"error": "internal_error", "message": "The route has no authorizer context"})
    order_id = (event.get("pathParameters") or {}).get("id")
    if not order_id:
        return _response(404, {"error": "not_found", "message": "No order id in the path"})
    return _response(200, {"id": order_id, "openid": caller["openid"]})
