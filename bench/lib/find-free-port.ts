// A free loopback port for a child server whose CLI needs a port number up front. The port is released
// before the child binds it; on a machine this quiet the window for another process to take it is negligible,
// and a clash fails loudly (the child exits with EADDRINUSE) rather than measuring the wrong server.
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';

/** Asks the OS for an unused port on 127.0.0.1. */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
