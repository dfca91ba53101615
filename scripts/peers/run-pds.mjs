// A did:plc directory (in memory) and the reference Bluesky PDS, both on 127.0.0.1 only.
// Packages come from PEERS_NODE_MODULES (.peers/bluesky/pds/node_modules, see setup_bluesky.sh).
// Env: PLC_PORT, PDS_PORT and the PDS_* settings of @atproto/pds (tests/connectors/conftest.py
// and `scripts/peers/serve_bluesky.sh` set them). Stops cleanly on SIGTERM/SIGINT.
import { createRequire } from 'node:module'
import http from 'node:http'
import events from 'node:events'
import fs from 'node:fs'
import path from 'node:path'

const modules = process.env.PEERS_NODE_MODULES
if (!modules) throw new Error('Set PEERS_NODE_MODULES to the folder holding @atproto/pds')
const require = createRequire(path.join(modules, 'noop.js'))
const { PDS, envToCfg, envToSecrets, readEnv } = require('@atproto/pds')
const HOST = process.env.BIND_HOST || '127.0.0.1'
const started = Date.now()

let plcServer
if (!process.env.PDS_DID_PLC_URL) {
  const { PlcServer, Database } = require('@did-plc/server')
  const plcPort = parseInt(process.env.PLC_PORT || '2582', 10)
  const plc = PlcServer.create({ db: Database.mock(), port: plcPort })
  plcServer = http.createServer(plc.app).listen(plcPort, HOST)
  await events.once(plcServer, 'listening')
  process.env.PDS_DID_PLC_URL = `http://localhost:${plcPort}`
  console.log(`PLC listening on http://${HOST}:${plcPort}`)
}

const cfg = envToCfg(readEnv())
const secrets = envToSecrets(readEnv())
fs.mkdirSync(path.dirname(cfg.db.accountDbLoc), { recursive: true })
const pds = await PDS.create(cfg, secrets)
// PDS.start() listens on every interface; hold it to loopback.
const listen = pds.app.listen.bind(pds.app)
pds.app.listen = (port, ...rest) => listen(port, HOST, ...rest)
await pds.start()
console.log(`PDS listening on http://${HOST}:${cfg.service.port} (${cfg.service.publicUrl}) in ${Date.now() - started} ms`)

const stop = async () => {
  await pds.destroy().catch(() => {})
  plcServer?.close()
  process.exit(0)
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
