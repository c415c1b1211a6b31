// A junk flood from its own process: `node flood.mjs <port> <requests per second>`. Sends
// requests for other paths and with a wrong state until SIGTERM, then prints what it did.
import { request } from 'node:http';

const [port, rate] = process.argv.slice(2).map(Number);
const startedAt = performance.now();
let sent = 0;
let answered = 0;
const perTick = Math.max(1, Math.round(rate / 100));
const timer = setInterval(() => {
  for (let i = 0; i < perTick; i++) {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: sent % 2 ? '/favicon.ico' : '/?code=x&state=junk',
        agent: false,
      },
      (res) => {
        res.resume();
        res.on('end', () => answered++);
      },
    );
    req.on('error', () => {});
    req.end();
    sent++;
  }
}, 10);
process.on('SIGTERM', () => {
  clearInterval(timer);
  const seconds = (performance.now() - startedAt) / 1000;
  process.stdout.write(JSON.stringify({ sent, answered, answeredPerSecond: answered / seconds }));
  process.exit(0);
});
