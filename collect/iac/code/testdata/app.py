import json
import os

HEADERS = {
    "Access-Control-Allow-Origin": os.environ.get("ORIGIN", "https://app.example.com"),
    "Content-Type": "application/json",
}


def respond(status, body):
    return {"statusCode": status, "headers": {**HEADERS}, "body": json.dumps(body)}


def lambda_handler(event, context):
    name: str = event.get("name")  # annotations and f-strings are fine
    if not name:
        return {"statusCode": 400, "body": f"missing {name}"}
    try:
        item = load(name)
    except KeyError:
        raise ValueError("not found")
    if item is None:
        return respond(404, {"error": "none"})
    return respond(200, item)


def load(name):
    try:
        raise KeyError(name)
    finally:
        pass
