// Express with the cors package for corsdoctor's real-framework tests.
// /ok: an allowlist with the page's origin; /cb: an origin callback that
// raises an Error for other origins (the cors README example); /list: a
// static allowlist; /auth: authentication registered before cors().
const express = require('express');
const cors = require('cors');

const origin = process.env.PAGE_ORIGIN || 'http://localhost:5173';
const port = Number(process.argv[2]);
const app = express();

app.use('/ok', cors({ origin: [origin] }));
app.use('/cb', cors({
  origin: (o, cb) => (!o || o === origin ? cb(null, true) : cb(new Error('Not allowed by CORS'))),
}));
app.use('/list', cors({ origin: ['https://app.example.com'] }));
app.use('/auth', (req, res, next) => (req.get('Authorization') ? next() : res.status(401).json({ error: 'unauthorized' })));
app.use('/auth', cors({ origin: [origin] }));

for (const base of ['/ok', '/cb', '/list', '/auth']) {
  app.get(base + '/items', (req, res) => res.json([{ id: 1 }]));
  app.put(base + '/items', (req, res) => res.json({ ok: true }));
}

app.listen(port, '127.0.0.1');
