// The floor: a bare node:http server answering the same cached bytes with the same headers.
import http from 'node:http';
import { readFileSync } from 'node:fs';

const [port, file] = process.argv.slice(2);
const body = readFileSync(file);
const headers = {
  'content-type': 'application/json; charset=utf-8',
  'content-length': body.length,
  etag: '"bench"',
};
const server = http.createServer((req, res) => {
  res.writeHead(200, headers);
  res.end(body);
});
server.listen(Number(port), '127.0.0.1', () => process.send?.({ ready: Number(port) }));
process.on('SIGTERM', () => {
  server.close();
  process.exit(0);
});
