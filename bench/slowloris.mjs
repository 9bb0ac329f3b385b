// Opens N connections that send a request line and then one header line
// every few seconds, never finishing (slowloris), from several loopback
// addresses (127.0.0.2...), for SECONDS.  Prints how many stayed open.
//   node bench/slowloris.mjs PORT N SECONDS
import net from 'node:net';

const [port, n, seconds] = process.argv.slice(2).map(Number);
const socks = [];
let open = 0, closed = 0;
for (let i = 0; i < n; i++) {
  const s = net.connect({ port, host: '127.0.0.1', localAddress: `127.0.0.${2 + (i % 4)}` });
  s.on('connect', () => { open++; s.write('GET /api/v1/me HTTP/1.1\r\nHost: x\r\n'); });
  s.on('error', () => {});
  s.on('close', () => { closed++; });
  socks.push(s);
}
const drip = setInterval(() => { for (const s of socks) if (!s.destroyed) s.write('X-Slow: 1\r\n'); }, 3000);
setTimeout(() => {
  clearInterval(drip);
  const still = socks.filter((s) => !s.destroyed).length;
  console.log(`slowloris: ${n} opened, ${still} still open after ${seconds} s, ${closed} closed by the server`);
  for (const s of socks) s.destroy();
  process.exit(0);
}, seconds * 1000);
