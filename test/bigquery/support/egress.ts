// Proof that a CLI child reached nothing outside the fake: its HTTP(S) proxy is pointed at this
// recorder (only loopback is exempt, where the fake listens), which notes every connection's
// first line (e.g. `CONNECT oauth2.googleapis.com:443`) and refuses it.
import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface EgressRecorder {
  /** First request line of every connection that tried to leave the machine. */
  attempts: string[];
  /** Environment variables that route a child's outbound HTTP(S) through the recorder. */
  env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

export async function startEgressRecorder(): Promise<EgressRecorder> {
  const attempts: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    socket.once('data', (chunk) => {
      attempts.push(chunk.toString('latin1').split('\r\n')[0]);
      socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const proxy = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const noProxy = '127.0.0.1,localhost';
  return {
    attempts,
    env: { HTTPS_PROXY: proxy, https_proxy: proxy, HTTP_PROXY: proxy, http_proxy: proxy, NO_PROXY: noProxy, no_proxy: noProxy },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
