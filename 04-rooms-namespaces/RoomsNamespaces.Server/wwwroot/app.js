// The page of step 04. Everything the server sends is shown with textContent (never innerHTML).
const $ = (id) => document.getElementById(id);

// io(): the main namespace "/". io("/goods") and io("/user") below reuse the same Manager, hence the same
// Engine.IO connection (one WebSocket): Socket.IO multiplexes namespaces, CONNECT "40/goods," and so on.
const socket = io();
const goods = io("/goods");
const user = io("/user");

function show(list, text, kind) {
  const item = document.createElement("li");
  item.textContent = text;
  if (kind) item.dataset.kind = kind;
  list.appendChild(item);
  list.scrollTop = list.scrollHeight;
}

function status(text, isError) {
  $("status").textContent = text;
  $("status").classList.toggle("error", Boolean(isError));
}

// Every send is acknowledged: {ok: true} or {error: "..."}.
function answered(what) {
  return (answer) => answer && answer.error ? status(`${what}: ${answer.error}`, true) : status(`${what}: 보냄`);
}

function showRooms(rooms) {
  if (Array.isArray(rooms)) $("rooms").textContent = JSON.stringify(rooms);
  else if (rooms && rooms.error) status(rooms.error, true);
}

// ---- the main namespace ----
socket.on("connect", () => {
  $("my-id").textContent = socket.id;
  $("transport").textContent = socket.io.engine.transport.name;
  socket.io.engine.once("upgrade", (transport) => { $("transport").textContent = transport.name; });
  socket.emit("rooms", showRooms);   // [own id] right after connecting
  showConnection();
});
socket.on("disconnect", (reason) => status(`연결 끊김: ${reason}`, true));

const who = (from) => (from === socket.id ? "나" : from);
socket.on("private", ({ from, msg }) => show($("received"), `private from ${who(from)}: ${msg}`, "private"));
socket.on("public", ({ from, msg }) => show($("received"), `public from ${who(from)}: ${msg}`, "public"));
socket.on("broadcast", ({ from, msg }) => show($("received"), `broadcast from ${who(from)}: ${msg}`, "broadcast"));
socket.on("room", ({ from, rooms, msg }) => show($("received"), `room [${rooms.join(", ")}] from ${who(from)}: ${msg}`, "room"));

const msg = () => $("msg").value;
const roomList = () => $("to-rooms").value.split(",").map((r) => r.trim()).filter((r) => r);

$("send-public").onclick = () => socket.emit("public", msg(), answered("public"));
$("send-broadcast").onclick = () => socket.emit("broadcast", msg(), answered("broadcast"));
$("send-private").onclick = () => socket.emit("private", $("to").value.trim(), msg(), answered("private"));
$("send-room").onclick = () => socket.emit("room", roomList(), msg(), answered("room"));
$("send-room-broadcast").onclick = () => socket.emit("room-broadcast", roomList(), msg(), answered("room-broadcast"));

$("join").onclick = () => socket.emit("join", $("room").value.trim(), showRooms);
$("leave").onclick = () => socket.emit("leave", $("room").value.trim(), showRooms);
$("show-rooms").onclick = () => socket.emit("rooms", showRooms);

$("refresh-who").onclick = () => socket.emit("who", (ids) => {
  $("who").replaceChildren(...ids.filter((id) => id !== socket.id).map((id) => {
    const option = document.createElement("option");
    option.value = id;
    return option;
  }));
});

// ---- the namespaces ----
function showConnection() {
  const rows = [["main", socket], ["goods", goods], ["user", user]];
  for (const [name, s] of rows) {
    $(`id-${name}`).textContent = s.connected ? s.id : "-";
    $(`engine-${name}`).textContent = s.connected ? s.io.engine.id : "-";
  }
  if (rows.every(([, s]) => s.connected)) {
    const same = socket.io === goods.io && goods.io === user.io && new Set(rows.map(([, s]) => s.io.engine.id)).size === 1;
    $("same-connection").textContent = same
      ? "세 네임스페이스, 연결 하나: socket.io.engine.id가 모두 같습니다."
      : "연결이 여러 개입니다.";
  }
}
goods.on("connect", showConnection);
user.on("connect", showConnection);

const answer = (reply) => show($("nsp-answers"), reply.error ? `error: ${reply.error}` : `${reply.nsp} ${reply.event}: ${reply.res}`);
$("shoes").onclick = () => goods.emit("shoes", $("nsp-res").value, answer);
$("pants").onclick = () => goods.emit("pants", $("nsp-res").value, answer);
$("admin").onclick = () => user.emit("admin", $("nsp-res").value, answer);
