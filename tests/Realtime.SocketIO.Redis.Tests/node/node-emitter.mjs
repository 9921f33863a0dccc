// The official @socket.io/redis-emitter, from a process that hosts no server: node node-emitter.mjs <redis-url> <room> <event> <json-arg>
import { createClient } from "redis";
import { Emitter } from "@socket.io/redis-emitter";

const [redisUrl, room, event, arg] = process.argv.slice(2);
const client = createClient({ url: redisUrl });
await client.connect();
new Emitter(client).to(room).emit(event, JSON.parse(arg), Buffer.from([1, 2, 3]));
await client.quit();
process.stdout.write(JSON.stringify({ emitted: event }) + "\n");
