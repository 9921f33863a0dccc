// The chat room (the book's views/chat.html script). Namespace /chat carries the room's live events; chats and
// GIFs are sent with ordinary HTTP posts, which save them and emit `chat` to the room.
// Everything from the server is put on the page with textContent or as an <img src>, never as HTML.
const room = document.querySelector('#chat-room');
const roomId = room.dataset.room;
const me = room.dataset.me;
const list = document.querySelector('#chat-list');
const form = document.querySelector('#chat-form');
const gifInput = document.querySelector('#gif');
const errorBox = document.querySelector('#chat-error');
const token = form.querySelector('input[name="__RequestVerificationToken"]').value;

const socket = io('/chat');   // same origin, and the browser sends the session cookie with the handshake

function show(div) {
  list.appendChild(div);
  list.scrollTop = list.scrollHeight;
}

function systemLine(data) {
  const div = document.createElement('div');
  div.className = 'system';
  const text = document.createElement('div');
  text.textContent = data.chat;
  div.appendChild(text);
  show(div);
}

function showError(message) {
  errorBox.textContent = message;
  errorBox.hidden = !message;
}

// Join (again after every reconnect: a new connection is a new socket, in no room). A recovered socket (back from
// a tunnel within 2 minutes) is still in its room and has just been sent the chats it missed, shown above this line;
// it joins again all the same, so that the others see it back in the participant list.
socket.on('connect', () => {
  if (socket.recovered) {
    systemLine({ chat: '연결이 복구되었습니다. 끊긴 동안 온 메시지는 위에 있습니다.' });
  }
  socket.emit('join', roomId, (answer) => {
    if (answer && answer.error) {
      location.href = '/?error=' + encodeURIComponent(answer.error);
    }
  });
});
socket.on('connect_error', (err) => showError(err.message));

socket.on('join', systemLine);   // { user: 'system', chat: '#rrggbb님이 입장하셨습니다.' }
socket.on('exit', systemLine);   // { user: 'system', chat: '#rrggbb님이 퇴장하셨습니다.' }
socket.on('owner', (data) => {   // the owner left: { user: 'system', chat, owner }
  systemLine(data);
  const owner = document.querySelector('#owner');
  owner.textContent = data.owner;
  owner.style.color = data.owner;
});

socket.on('members', (members) => {   // [{ id, user }]: everyone in the room, in order of arrival
  document.querySelector('#member-count').textContent = members.length;
  const ul = document.querySelector('#member-list');
  ul.replaceChildren(...members.map((m) => {
    const li = document.createElement('li');
    li.textContent = m.user + (m.id === socket.id ? ' (나)' : '');
    li.style.color = m.user;
    if (m.id !== socket.id) {
      li.className = 'whisperable';
      li.title = '귓속말 보내기';
      li.addEventListener('click', () => whisperTo(m));
    }
    return li;
  }));
  if (whisper && !members.some((m) => m.id === whisper.id)) whisperTo(null);   // they left
});

// Whispers (book 12.7.1): to one socket of the room, over the socket itself; nothing is stored.
let whisper = null;   // { id, user } or null
const whisperBox = document.querySelector('#whisper-to');
function whisperTo(member) {
  whisper = member;
  whisperBox.hidden = !member;
  if (member) {
    const name = whisperBox.querySelector('b');
    name.textContent = member.user;
    name.style.color = member.user;
    form.chat.focus();
  }
}
document.querySelector('#whisper-cancel').addEventListener('click', () => whisperTo(null));

function whisperLine(data, text) {
  const div = document.createElement('div');
  div.className = 'whisper';
  div.textContent = text;
  div.style.color = data.user;
  show(div);
}
socket.on('whisper', (data) => whisperLine(data, `(귓속말) ${data.user}: ${data.chat}`));

socket.on('chat', (data) => {   // { id, room, user, chat, gif, createdAt }
  const div = document.createElement('div');
  div.className = data.user === me ? 'mine' : 'other';
  div.style.color = data.user;
  const name = document.createElement('div');
  name.className = 'user';
  name.textContent = data.user;
  div.appendChild(name);
  if (data.gif) {
    const img = document.createElement('img');
    img.src = '/gif/' + encodeURIComponent(data.gif);
    img.alt = 'GIF';
    div.appendChild(img);
  } else {
    const text = document.createElement('div');
    text.className = 'text';
    text.textContent = data.chat;
    div.appendChild(text);
  }
  show(div);
});

async function post(url, body, headers) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { RequestVerificationToken: token, ...headers },
    body,
  });
  if (!response.ok) {
    const answer = await response.json().catch(() => ({}));
    throw new Error(answer.error || `${response.status} ${response.statusText}`);
  }
}

form.addEventListener('submit', async (e) => {
  e.preventDefault();
  const chat = form.chat.value.trim();
  if (!chat) return;
  if (whisper) {
    socket.emit('whisper', { to: whisper.id, chat }, (answer) => {
      if (answer.error) {
        showError(answer.error);
        return;
      }
      whisperLine(answer, `(귓속말 → ${answer.to}) ${answer.chat}`);
      form.chat.value = '';
      showError('');
    });
    return;
  }
  try {
    await post(`/room/${roomId}/chat`, JSON.stringify({ chat }), { 'Content-Type': 'application/json' });
    form.chat.value = '';
    showError('');
  } catch (err) {
    showError(err.message);
  }
});

gifInput.addEventListener('change', async () => {
  if (!gifInput.files.length) return;
  const data = new FormData();
  data.append('gif', gifInput.files[0]);
  try {
    await post(`/room/${roomId}/gif`, data, {});
    showError('');
  } catch (err) {
    showError(err.message);
  } finally {
    gifInput.value = '';   // the book set e.target.file = null, which cleared nothing: the same GIF could not be sent twice
  }
});

list.scrollTop = list.scrollHeight;
