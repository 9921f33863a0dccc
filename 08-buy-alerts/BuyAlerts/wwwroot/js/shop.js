// Shared by every page: calls to the REST API, the header, and the live purchase alerts (Socket.IO).
// Everything a user typed (nicknames, goods names) is put on the page with textContent or text nodes, never as
// HTML: the post's pages built the alert with innerHTML, so a nickname like <img src=x onerror=...> ran as code.

/** Calls the API. Resolves with the JSON body; rejects with an Error carrying the server's errorMessage. */
export async function api(method, path, body) {
  const response = await fetch(`/api${path}`, {
    method,
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    // The JWT travels in the HttpOnly cookie "authorization"; same-origin fetch sends it by itself.
  });
  const text = await response.text();
  const data = text ? JSON.parse(text) : {};
  if (!response.ok) {
    const error = new Error(data.errorMessage ?? `요청이 실패했습니다. (${response.status})`);
    error.status = response.status;
    throw error;
  }
  return data;
}

/** Creates an element. Children are nodes or strings; strings become text nodes, never markup. */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key in node) node[key] = value;
    else node.setAttribute(key, value);
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

export const price = (amount) => `$${amount}`;

export const detailUrl = (goodsId) => `/detail.html?goodsId=${encodeURIComponent(goodsId)}`;

/** Shows a message (or clears it) in the page's status line. */
export function say(text, kind = "error") {
  const box = document.querySelector("#message");
  if (!box) return;
  box.textContent = text ?? "";
  box.className = `message ${text ? kind : ""}`;
}

/** For pages behind the sign-in: the user, or a trip to the sign-in page. */
export async function requireSignIn() {
  try {
    const { user } = await api("GET", "/users/me");
    renderHeader(user);
    connectSocket(user);
    return user;
  } catch (error) {
    if (error.status === 401) {
      location.href = "/";
      return new Promise(() => {}); // the page is going away
    }
    throw error;
  }
}

function renderHeader(user) {
  const header = document.querySelector("header.shop");
  header.replaceChildren(
    el("a", { class: "brand", href: "/goods.html" }, "spa mall"),
    el("nav", {},
      el("a", { href: "/goods.html" }, "상품"),
      el("a", { href: "/cart.html" }, "장바구니"),
      el("span", { class: "who", id: "me" }, user.nickname, "님"),
      el("button", { type: "button", class: "link", id: "sign-out", onclick: signOut }, "로그아웃")));
}

async function signOut() {
  await api("DELETE", "/auth"); // the server clears the HttpOnly cookie (a page script cannot)
  socket?.disconnect();
  location.href = "/";
}

// ---- Socket.IO: the purchase alerts ----

let socket = null;
const pageListeners = [];

/** The page's socket once connected (null when /socket.io/socket.io.js is not served). */
export const getSocket = () => socket;

/** The detail page listens for "총 N명이 이 상품을 구경하고 있습니다!". */
export function onViewerCount(listener) {
  pageListeners.push(listener);
}

function connectSocket(user) {
  if (typeof io !== "function") {
    console.warn("socket.io.js is not loaded: purchase alerts are off.");
    return;
  }
  // Same origin as the page: the browser sends the "authorization" cookie with the handshake, and the server
  // takes the buyer's nickname from it.
  // Long-polling first, then an upgrade to a WebSocket (the default). To try WebSocket only, run
  // localStorage.setItem("socket.io transports", "websocket") in the devtools console and reload (removeItem to undo).
  const transports = localStorage.getItem("socket.io transports");
  socket = io(transports ? { transports: transports.split(",") } : {});
  socket.on("connect", () => {
    socket.emit("CHANGED_PAGE", `${location.pathname}${location.search}`);
  });
  socket.on("BUY_GOODS", (data) => showBuyAlert(data));
  socket.on("SAME_PAGE_VIEWER_COUNT", (count) => pageListeners.forEach((listener) => listener(count)));
  window.shopSocket = socket; // handy in the devtools console
  window.shopUser = user;
}

/** The box at the bottom left: "<nick>님이 방금 <goodsName>을 구매했어요!" with a link, the date and a close button. */
export function showBuyAlert({ nickname, goodsId, goodsName, date }) {
  let stack = document.querySelector("#buy-alerts");
  if (!stack) {
    stack = el("section", { id: "buy-alerts", "aria-live": "polite" });
    document.body.append(stack);
  }
  const when = new Date(date);
  const box = el("div", { class: "buy-alert", role: "status" },
    el("button", { type: "button", class: "close", "aria-label": "닫기", onclick: () => box.remove() }, "×"),
    el("p", { class: "buy-alert-text" },
      el("strong", { class: "nickname" }, String(nickname ?? "")),
      "님이 방금 ",
      el("a", { class: "goods", href: detailUrl(goodsId) }, String(goodsName ?? "")),
      "을 구매했어요!"),
    el("time", { dateTime: String(date ?? "") }, Number.isNaN(when.getTime()) ? String(date ?? "") : when.toLocaleString("ko-KR")));
  stack.prepend(box);
  while (stack.children.length > 5) stack.lastElementChild.remove();
}
