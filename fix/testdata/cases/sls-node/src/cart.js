'use strict';

// Carts live in DynamoDB; the page calls these from https://shop.example.com.
exports.update = async (event) => {
  if (!event.body) {
    return { statusCode: 400, body: JSON.stringify({ message: 'body required' }) };
  }
  return {
    statusCode: 200,
    headers: { 'Content-Type': 'application/json' },
    body: event.body,
  };
};

exports.read = async (event) => {
  return { statusCode: 200, headers: { 'Access-Control-Allow-Origin': 'https://shop.example.com' }, body: '{}' };
};
