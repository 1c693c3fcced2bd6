// Profile handler (ES module).
import { getProfile, saveProfile } from './store.mjs';

export const handler = async (event) => {
  if (event.requestContext.http.method === 'OPTIONS') {
    return { statusCode: 204 };
  }
  if (event.requestContext.http.method === 'PUT') {
    await saveProfile(JSON.parse(event.body));
    return { statusCode: 204 };
  }
  const profile = await getProfile();
  if (!profile) {
    return { statusCode: 404, body: JSON.stringify({ message: 'not found' }) };
  }
  return {
    statusCode: 200,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(profile),
  };
};
