import json

CORS = {"Access-Control-Allow-Origin": "https://app.example.com", "Vary": "Origin"}


def handler(event, context):
    order_id = (event.get("queryStringParameters") or {}).get("id")
    if not order_id:
        return {"statusCode": 400, "body": json.dumps({"error": "id is required"})}  # want CD2026
    return {"statusCode": 200, "headers": CORS, "body": json.dumps({"id": order_id})}
