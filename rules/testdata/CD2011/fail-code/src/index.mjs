// The page calls this URL with credentials: 'include' (a session cookie).
const headers = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Credentials": "true",
};

export const handler = async (event) => {
  return { statusCode: 200, headers, body: JSON.stringify({ user: "me" }) }; // want CD2011
};
