// The feed page: the course's React front-end (udemy-nodejs-frontend) as one plain module, no build step.
// REST calls for everything the user does; a Socket.IO `posts` event for everything anyone else does.
// User text is only ever put on the page with textContent, never innerHTML.

const PER_PAGE = 2;                      // the server's Posts:PerPage (the course's perPage = 2)
const $ = (id) => document.getElementById(id);

const state = {
  token: null,
  userId: null,
  page: 1,
  posts: [],
  totalItems: 0,
  editing: null,                         // the post being edited, or null for a new one
  socket: null,
};

// ---- REST --------------------------------------------------------------------------------------

/** Calls the API; resolves to the JSON body, or throws an Error carrying the server's {message, data}. */
async function api(method, path, body) {
  const headers = {};
  if (state.token) headers.Authorization = `Bearer ${state.token}`;
  let payload;
  if (body instanceof FormData) {
    payload = body;                      // multipart: the browser sets the boundary itself
  } else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const response = await fetch(path, { method, headers, body: payload });
  const json = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new Error(json.message || `${response.status} ${response.statusText}`);
    error.status = response.status;
    error.data = Array.isArray(json.data) ? json.data : [];
    if (response.status === 401 && state.token) logout();   // expired or invalid token: log in again
    throw error;
  }
  return json;
}

// ---- messages ----------------------------------------------------------------------------------

function describe(error) {
  const details = error.data?.map((e) => `${e.path}: ${e.msg}`) ?? [];
  return [error.message, ...details].join('\n');
}

function showError(error, target = $('error')) {
  target.textContent = describe(error);
  target.hidden = false;
  $('notice').hidden = true;
}

function showNotice(text) {
  $('notice').textContent = text;
  $('notice').hidden = false;
  $('error').hidden = true;
}

function clearMessages() {
  $('error').hidden = true;
  $('notice').hidden = true;
}

// ---- sign up, log in, log out ------------------------------------------------------------------

$('signup-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  try {
    await api('PUT', '/auth/signup', {
      email: $('signup-email').value,
      name: $('signup-name').value,
      password: $('signup-password').value,
    });
    $('login-email').value = $('signup-email').value;
    event.target.reset();
    showNotice('User created! You can log in now.');
  } catch (error) {
    showError(error);
  }
});

$('login-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  try {
    const { token, userId } = await api('POST', '/auth/login', {
      email: $('login-email').value,
      password: $('login-password').value,
    });
    // Like the course: keep the token (valid 1 h) in localStorage, so a reload stays logged in.
    localStorage.setItem('token', token);
    localStorage.setItem('userId', String(userId));
    localStorage.setItem('expiryDate', new Date(Date.now() + 60 * 60 * 1000).toISOString());
    event.target.reset();
    clearMessages();
    await enterFeed(token, userId);
  } catch (error) {
    showError(error);
  }
});

$('logout').addEventListener('click', () => logout());

function logout() {
  localStorage.removeItem('token');
  localStorage.removeItem('userId');
  localStorage.removeItem('expiryDate');
  state.token = null;
  state.userId = null;
  state.socket?.disconnect();
  state.socket = null;
  setLive(false);
  $('feed').hidden = true;
  $('who').hidden = true;
  $('logout').hidden = true;
  $('auth').hidden = false;
}

async function enterFeed(token, userId) {
  state.token = token;
  state.userId = Number(userId);
  $('auth').hidden = true;
  $('feed').hidden = false;
  $('logout').hidden = false;
  $('who').textContent = `user #${state.userId}`;
  $('who').hidden = false;
  connectSocket();
  await Promise.all([loadStatus(), loadPage(1)]);
}

// ---- status ------------------------------------------------------------------------------------

async function loadStatus() {
  try {
    const { status } = await api('GET', '/auth/status');
    $('status-input').value = status;
  } catch (error) {
    showError(error);
  }
}

$('status-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  try {
    const { message } = await api('PATCH', '/auth/status', { status: $('status-input').value });
    showNotice(message);
  } catch (error) {
    showError(error);
  }
});

// ---- the feed, a page at a time ----------------------------------------------------------------

async function loadPage(page) {
  try {
    const { posts, totalItems } = await api('GET', `/feed/posts?page=${page}`);
    const lastPage = Math.max(1, Math.ceil(totalItems / PER_PAGE));
    if (posts.length === 0 && page > lastPage) {
      return loadPage(lastPage);         // the page emptied (its last post was deleted): step back
    }
    state.page = page;
    state.posts = posts;
    state.totalItems = totalItems;
    render();
  } catch (error) {
    showError(error);
  }
}

$('prev').addEventListener('click', () => loadPage(state.page - 1));
$('next').addEventListener('click', () => loadPage(state.page + 1));

function render() {
  const list = $('posts');
  list.replaceChildren(...state.posts.map(renderPost));
  $('empty').hidden = state.posts.length > 0;
  const lastPage = Math.max(1, Math.ceil(state.totalItems / PER_PAGE));
  $('page-info').textContent = `Page ${state.page} of ${lastPage}`;
  $('prev').disabled = state.page <= 1;
  $('next').disabled = state.page >= lastPage;
}

function renderPost(post) {
  const node = $('post-template').content.firstElementChild.cloneNode(true);
  node.dataset.id = post._id;
  node.querySelector('.meta').textContent =
    `Posted by ${post.creator.name} on ${new Date(post.createdAt).toLocaleDateString('en-US')}`;
  node.querySelector('.title').textContent = post.title;
  node.querySelector('.image').src = `/${post.imageUrl}`;
  node.querySelector('.image').alt = post.title;
  node.querySelector('.content').textContent = post.content;
  node.querySelector('.view').addEventListener('click', () => viewPost(post._id));
  const mine = post.creator._id === state.userId;
  node.querySelector('.edit').hidden = !mine;       // the server checks too (403 for anyone else)
  node.querySelector('.delete').hidden = !mine;
  node.querySelector('.edit').addEventListener('click', () => openEditor(post));
  node.querySelector('.delete').addEventListener('click', () => deletePost(post._id));
  return node;
}

// ---- one post: view, create, edit, delete ------------------------------------------------------

async function viewPost(id) {
  try {
    const { post } = await api('GET', `/feed/post/${id}`);
    $('viewer-title').textContent = post.title;
    $('viewer-meta').textContent =
      `Created by ${post.creator.name} on ${new Date(post.createdAt).toLocaleDateString('en-US')}`;
    $('viewer-image').src = `/${post.imageUrl}`;
    $('viewer-content').textContent = post.content;
    $('viewer').showModal();
  } catch (error) {
    showError(error);
  }
}

$('viewer-close').addEventListener('click', () => $('viewer').close());

$('new-post').addEventListener('click', () => openEditor(null));
$('editor-cancel').addEventListener('click', () => $('editor').close());

function openEditor(post) {
  state.editing = post;
  $('editor-form').reset();
  $('editor-error').hidden = true;
  $('editor-title').textContent = post ? 'Edit Post' : 'New Post';
  $('post-title').value = post?.title ?? '';
  $('post-content').value = post?.content ?? '';
  $('post-image').required = !post;                   // a new post needs an image; an edit may keep its own
  $('editor').showModal();
}

$('editor-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData();
  form.append('title', $('post-title').value);
  form.append('content', $('post-content').value);
  const file = $('post-image').files[0];
  if (file) form.append('image', file);
  const editing = state.editing;
  $('editor-save').disabled = true;
  try {
    if (editing) {
      const { post } = await api('PUT', `/feed/post/${editing._id}`, form);
      updatePost(post);                                // the socket event will do the same: harmless twice
    } else {
      await api('POST', '/feed/post', form);
      await loadPage(1);                               // show it where it belongs: first on page 1
    }
    $('editor').close();
    clearMessages();
  } catch (error) {
    showError(error, $('editor-error'));
  } finally {
    $('editor-save').disabled = false;
  }
});

async function deletePost(id) {
  try {
    await api('DELETE', `/feed/post/${id}`);
    await loadPage(state.page);
  } catch (error) {
    showError(error);
  }
}

// ---- live updates: the `posts` event -----------------------------------------------------------

/** The course's addPost: on page 1 the new post goes first, and the last one drops off a full page. */
function addPost(post) {
  const at = state.posts.findIndex((p) => p._id === post._id);
  if (at >= 0) {                                       // already here (our own create, reloaded): refresh it
    state.posts[at] = post;
  } else {
    if (state.page === 1) {
      if (state.posts.length >= PER_PAGE) state.posts.pop();
      state.posts.unshift(post);
    }
    state.totalItems += 1;
  }
  render();
}

/** The course's updatePost: replace it in place, if it is on this page. */
function updatePost(post) {
  const at = state.posts.findIndex((p) => p._id === post._id);
  if (at >= 0) {
    state.posts[at] = post;
    render();
  }
}

function connectSocket() {
  if (state.socket) return;
  if (typeof io !== 'function') {                      // /socket.io/socket.io.js did not load
    console.warn('Socket.IO client not loaded: no live updates');
    return;
  }
  // openSocket('http://localhost:8080') in the course; same origin here, so no URL and no CORS.
  // The token goes in the handshake's auth (a function, so a reconnection sends the current one): the server
  // refuses sockets without a valid token, as the REST API refuses requests (SocketAuth.cs).
  const socket = io({ auth: (send) => send({ token: state.token }) });
  let connectedBefore = false;
  socket.on('connect', () => {
    setLive(true);
    // Events sent while we were disconnected are lost (Socket.IO does not replay them): after a reconnection,
    // ask the server for the current page instead.
    if (connectedBefore) loadPage(state.page);
    connectedBefore = true;
  });
  // Refused by the server (no valid token) or closed by it when the token expired: Socket.IO does not retry
  // either, and the REST calls would answer 401 too, so log in again.
  socket.on('connect_error', () => { if (!socket.active) logout(); });
  socket.on('disconnect', (reason) => {
    setLive(false);
    if (reason === 'io server disconnect') logout();
  });
  socket.on('posts', (data) => {
    if (data.action === 'create') {
      addPost(data.post);
    } else if (data.action === 'update') {
      updatePost(data.post);
    } else if (data.action === 'delete') {
      loadPage(state.page);                            // what moved up from the next page is only known to the server
    }
  });
  state.socket = socket;
}

function setLive(on) {
  $('live').textContent = on ? 'live' : 'offline';
  $('live').classList.toggle('on', on);
}

// ---- start -------------------------------------------------------------------------------------

const saved = localStorage.getItem('token');
const expiry = new Date(localStorage.getItem('expiryDate') ?? 0);
if (saved && expiry > new Date()) {
  enterFeed(saved, localStorage.getItem('userId'));
} else {
  logout();
}
