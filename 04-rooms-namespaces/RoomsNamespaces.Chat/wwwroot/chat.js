// Post 003's room.html script, with a typed name instead of the hard-coded "상민". Every line is shown with
// textContent, so a message like "<b>hi</b>" appears as those characters, never as HTML.
const $ = (id) => document.getElementById(id);
const form = $("form");
const input = $("input");
const messages = $("messages");
let name = "";

// 소켓 연결 (the server logs "Socket Connected" as soon as this page opens)
const socket = io();

socket.on("connect", () => setState("연결됨"));
socket.on("disconnect", (reason) => {
  // After "leave" the server ends the connection: reason "io server disconnect", and no automatic reconnection.
  setState(reason === "io server disconnect" ? "퇴장함 (연결 종료)" : `연결 끊김: ${reason}`);
  setJoined(false);
  $("enter").disabled = true;
});

// 나의 입장을 모두에게 알림 — once a name is typed.
$("name-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const typed = $("name").value.trim();
  if (!typed) return;
  socket.emit("join", typed, (answer) => {
    if (answer.error) return showError(answer.error);
    name = typed;
    setJoined(true);
    input.focus();
  });
});

// 누군가 입장했을 때 알림 받음
socket.on("join", (who) => recordChat(`${who} 님이 입장하셨습니다.`));

// 채팅 입력
form.addEventListener("submit", (e) => {
  e.preventDefault();
  if (input.value.trim()) {
    socket.emit("chat", { name, msg: input.value }, (answer) => answer.error && showError(answer.error));
    input.value = "";
  }
});

// 누군가의 채팅 받아옴
socket.on("chat", ({ name, msg }) => recordChat(`${name} : ${msg}`));

// 내가 떠나기 위한 버튼
$("out").addEventListener("click", (e) => {
  e.preventDefault();
  socket.emit("leave", name);
});

// 누군가 떠났을 때 알림 받아옴
socket.on("leave", (who) => recordChat(`${who} 님이 퇴장하셨습니다.`));

function recordChat(msg) {
  const item = document.createElement("p");
  item.textContent = msg;
  messages.appendChild(item);
  window.scrollTo(0, document.body.scrollHeight);
}

function setJoined(joined) {
  $("name-form").hidden = joined;
  $("me").hidden = !joined;
  $("me").textContent = joined ? name : "";
  $("out").disabled = !joined;
  input.disabled = !joined;
  $("send").disabled = !joined;
  showError("");
}

function setState(text) {
  $("state").textContent = text;
}

function showError(text) {
  $("error").textContent = text;
}
