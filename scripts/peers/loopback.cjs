// Preload with `node --require`: every TCP server that names no host binds 127.0.0.1 (BIND_HOST),
// so the Bluesky servers started for tests and the demo are never reachable from the network.
const net = require('node:net')
const listen = net.Server.prototype.listen
net.Server.prototype.listen = function (...args) {
  const host = process.env.BIND_HOST || '127.0.0.1'
  if (typeof args[0] === 'number' || (typeof args[0] === 'string' && /^\d+$/.test(args[0]))) {
    if (typeof args[1] !== 'string') args.splice(1, 0, host)
  } else if (args[0] && typeof args[0] === 'object' && !('path' in args[0]) && !args[0].host) {
    args[0] = { ...args[0], host }
  } else if (args.length === 0 || typeof args[0] === 'function') {
    args.unshift(0, host)
  }
  return listen.apply(this, args)
}
