// Preload (`node --import ./listen-on-loopback.mjs server.js`) for third-party servers that offer no bind
// address option and would otherwise listen on every interface (Portkey's gateway calls
// `server.listen(port, undefined, cb)`). A listen call that names no host gets 127.0.0.1, so nothing a
// benchmark starts is reachable from the network. It changes where the socket binds, nothing on the request
// path. Plain JavaScript so the measured process loads no TypeScript loader.
import net from 'node:net';

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function listenOnLoopback(...args) {
  if (typeof args[0] === 'number' || (typeof args[0] === 'string' && /^\d+$/.test(args[0]))) {
    if (args[1] === undefined || args[1] === null) args[1] = '127.0.0.1';
    else if (typeof args[1] === 'function') args.splice(1, 0, '127.0.0.1');
  } else if (
    typeof args[0] === 'object' &&
    args[0] !== null &&
    args[0].port !== undefined &&
    args[0].host === undefined
  ) {
    args[0] = { ...args[0], host: '127.0.0.1' };
  }
  return listen.apply(this, args);
};
