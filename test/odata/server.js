// The CAP server of the OData test service, with three additions for the
// tests, none of which changes how CAP answers OData requests:
//
// - every request is recorded as "METHOD URL [body]" (the body as received),
//   and GET /_log returns the records since the last call, then clears them;
// - GET /$api-docs/odata/v4/catalog/openapi.json returns the OpenAPI
//   document that @cap-js/openapi compiles from the service's model (the
//   path cds-swagger-ui-express uses);
// - with REST_FDW_ODATA_ITEMS=FILE (a JSON array of rows), the Items table
//   is loaded from FILE once the in-memory database is deployed.
//
// Run: PORT=N node_modules/.bin/cds-serve (from this directory).
const cds = require('@sap/cds')
const fs = require('fs')

const records = []

cds.on('bootstrap', app => {
  // listen on the loopback address only (cds.server passes just the port)
  const listen = app.listen
  app.listen = (port, ...rest) => listen.call(app, port, '127.0.0.1', ...rest)
  app.get('/_log', (req, res) => {
    res.type('text/plain; charset=utf-8').send(records.join(''))
    records.length = 0
  })
  app.get(/^\/\$api-docs\/odata\/v4\/catalog\/openapi\.json$/, (req, res) => {
    const csn = cds.compile.for.nodejs(cds.model)
    res.json(require('@cap-js/openapi').compile(csn, { service: 'CatalogService' }))
  })
  app.use((req, res, next) => {
    res.on('finish', () => {
      let line = `${req.method} ${req.originalUrl}`
      if (req._raw !== undefined && req.method !== 'GET')
        line += ' ' + String(req._raw).replace(/\r/g, '\\r').replace(/\n/g, '\\n')
      records.push(line + '\n')
    })
    next()
  })
})

cds.on('served', async () => {
  const file = process.env.REST_FDW_ODATA_ITEMS
  if (!file) return
  const rows = JSON.parse(fs.readFileSync(file, 'utf8'))
  if (rows.length) await INSERT.into('rest_fdw.test.Items').entries(rows)
})

module.exports = cds.server
