// The full local Bluesky network from @atproto/dev-env: PLC, PDS, AppView (notifications, search)
// and ozone, for inbound tests. Run with `node --require loopback.cjs` so all of it binds 127.0.0.1.
// Needs PostgreSQL and Redis: DB_POSTGRES_URL, DB_POSTGRES_SCHEMA (a name of its own), REDIS_HOST.
// Packages come from PEERS_NODE_MODULES (.peers/bluesky/net/node_modules). Ports: PLC_PORT,
// PDS_PORT, BSKY_PORT, OZONE_PORT. Prints "NETWORK READY" when every server answers.
import { createRequire } from 'node:module'
import path from 'node:path'

const modules = process.env.PEERS_NODE_MODULES
if (!modules) throw new Error('Set PEERS_NODE_MODULES to the folder holding @atproto/dev-env')
const require = createRequire(path.join(modules, 'noop.js'))
const { TestNetwork } = require('@atproto/dev-env')
const port = (name, fallback) => parseInt(process.env[name] || fallback, 10)
const started = Date.now()
const schema = process.env.DB_POSTGRES_SCHEMA || 'townsquare_bsky'

const network = await TestNetwork.create({
  dbPostgresUrl: process.env.DB_POSTGRES_URL,
  dbPostgresSchema: schema,
  redisHost: process.env.REDIS_HOST,
  plc: { port: port('PLC_PORT', 2582) },
  pds: { port: port('PDS_PORT', 2583), hostname: 'localhost', enableDidDocWithSession: true },
  // dev-env makes the schemas appview_<schema>, bsync_<schema> and ozone_<schema>.
  bsky: { port: port('BSKY_PORT', 2584), publicUrl: `http://localhost:${port('BSKY_PORT', 2584)}` },
  ozone: { port: port('OZONE_PORT', 2587), chatUrl: 'http://localhost:2590', chatDid: 'did:example:chat', dbMaterializedViewRefreshIntervalMs: 30_000 },
})
console.log(`PLC ${network.plc.url}  PDS ${network.pds.url}  AppView ${network.bsky.url}`)
console.log(`NETWORK READY in ${Date.now() - started} ms`)
const stop = async () => { await network.close().catch((e) => console.error(e)); process.exit(0) }
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
