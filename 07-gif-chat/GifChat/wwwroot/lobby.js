// The lobby (the book's views/main.html script): joins namespace /room and keeps the room list live.
// Everything the server sends is put on the page with textContent, never innerHTML.
const socket = io('/room');   // same origin as the page: no hard-coded http://localhost:8005
const tbody = document.querySelector('#rooms tbody');
const empty = document.querySelector('.empty');

socket.on('newRoom', (room) => {   // { id, title, max, owner, hasPassword }: never the password itself
  if (tbody.querySelector(`tr[data-id="${room.id}"]`)) return;
  const tr = document.createElement('tr');
  tr.dataset.id = room.id;
  const cell = (text, className) => {
    const td = document.createElement('td');
    td.textContent = text;
    if (className) td.className = className;
    tr.appendChild(td);
    return td;
  };
  cell(room.title, 'title');
  cell(room.hasPassword ? '비밀방' : '공개방');
  cell(room.max);
  cell(room.owner, 'owner').style.color = room.owner;
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'join-btn';
  button.textContent = '입장';
  button.dataset.id = room.id;
  button.dataset.password = room.hasPassword ? 'true' : 'false';
  cell('').appendChild(button);
  tbody.appendChild(tr);
  empty.hidden = true;
});

socket.on('removeRoom', (id) => {  // the last member left: the row disappears
  tbody.querySelector(`tr[data-id="${id}"]`)?.remove();
  empty.hidden = tbody.children.length > 0;
});

socket.on('roomOwner', ({ id, owner }) => {   // the owner left and handed the room over
  const td = tbody.querySelector(`tr[data-id="${id}"] .owner`);
  if (td) {
    td.textContent = owner;
    td.style.color = owner;
  }
});

// 입장: a public room is a plain link; a private room asks for the password and POSTs it.
tbody.addEventListener('click', (e) => {
  const button = e.target.closest('.join-btn');
  if (!button) return;
  if (button.dataset.password !== 'true') {
    location.href = '/room/' + button.dataset.id;
    return;
  }
  const password = prompt('비밀번호를 입력하세요');
  if (password === null) return;
  const form = document.querySelector('#enter-form');
  form.action = '/room/' + button.dataset.id;
  form.password.value = password;
  form.submit();
});
