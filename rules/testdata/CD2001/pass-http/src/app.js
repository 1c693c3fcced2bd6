exports.handler = async () => ({ statusCode: 200, headers: { 'Access-Control-Allow-Origin': 'https://app.example.com' } });
