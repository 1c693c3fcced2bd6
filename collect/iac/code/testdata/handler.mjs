import { DynamoDBClient } from "@aws-sdk/client-dynamodb";

const cors = { "Access-Control-Allow-Origin": "https://app.example.com", Vary: "Origin" };

const reply = (statusCode, body) => ({ statusCode, headers: { ...cors, "Content-Type": "application/json" }, body: JSON.stringify(body) });

export const handler = async (event) => {
  const body = JSON.parse(event.body ?? "{}");
  if (!body?.id) {
    return { statusCode: 400, body: "missing id" };
  }
  if (body.id === "x") {
    return reply(404, { error: "not found" });
  }
  try {
    await save(body);
  } catch (err) {
    throw new Error("save failed");
  }
  return reply(200, body);
};

async function save(item) {
  try {
    throw new Error("inside try");
  } finally {
  }
}
