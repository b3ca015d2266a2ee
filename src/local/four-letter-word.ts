import { connect } from 'node:net';

/** Sends a plain-text command (Redis inline command, ZooKeeper four-letter word) and returns the answer. */
export function askTcp(port: number, command: string, timeoutMs = 1000, host = '127.0.0.1'): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host });
    let answer = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer from ${host}:${port} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('connect', () => socket.write(command));
    socket.on('data', (chunk) => {
      answer += chunk.toString();
    });
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(answer);
    });
    // Redis keeps the connection open; a short idle wait is enough for its one-line answer.
    socket.setTimeout(200, () => socket.end());
  });
}
