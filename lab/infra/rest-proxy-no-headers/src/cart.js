'use strict';

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
