def list_items(event, context):
    return {"statusCode": 200, "headers": {"Access-Control-Allow-Origin": "*"}, "body": "[]"}
