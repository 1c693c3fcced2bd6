import type { APIGatewayProxyHandler } from "aws-lambda";

const headers: Record<string, string> = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Credentials": "true",
};

export const handler: APIGatewayProxyHandler = async (event) => {
  const id: string | undefined = event.pathParameters?.id;
  if (!id) {
    return { statusCode: 400, headers, body: "" };
  }
  return { statusCode: 200, headers, body: id } as const;
};
