export async function getProfile() { return { name: 'ada' }; }
export async function saveProfile() {}
