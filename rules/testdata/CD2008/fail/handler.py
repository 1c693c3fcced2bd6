def list_items(event, context):
    return {"statusCode": 200, "body": "[]"}
