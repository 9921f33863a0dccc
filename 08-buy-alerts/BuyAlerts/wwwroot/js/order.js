import { api, el, price, getSocket, requireSignIn, say } from "./shop.js";

const user = await requireSignIn();

// Either "바로 구매" from a detail page (?goodsId=&quantity=) or the whole cart.
const params = new URLSearchParams(location.search);
const fromCart = !params.has("goodsId");
let items = [];
try {
  if (fromCart) {
    items = (await api("GET", "/goods/cart")).cart;
  } else {
    const { goods } = await api("GET", `/goods/${encodeURIComponent(params.get("goodsId"))}`);
    const quantity = Math.min(5, Math.max(1, Number.parseInt(params.get("quantity"), 10) || 1));
    items = [{ goods, quantity }];
  }
} catch (error) {
  say(error.message);
}

const total = items.reduce((sum, { goods, quantity }) => sum + goods.price * quantity, 0);
// One item: its name. Several: "<first> 외 <n-1>개의 상품".
const goodsName = items.length > 1 ? `${items[0].goods.name} 외 ${items.length - 1}개의 상품` : items[0]?.goods.name ?? "";

document.querySelector("#summary").textContent = items.length ? goodsName : "주문할 상품이 없습니다.";
document.querySelector("#items").replaceChildren(...items.map(({ goods, quantity }) =>
  el("li", { class: "card line" },
    el("img", { src: goods.thumbnailUrl, alt: goods.name, width: 56, height: 56 }),
    el("span", { class: "name" }, goods.name),
    el("span", { class: "quantity" }, `${quantity}개`),
    el("span", { class: "subtotal" }, price(goods.price * quantity)))));

const pay = document.querySelector("#pay");
pay.textContent = `${price(total)} 결제`;
pay.disabled = items.length === 0;

pay.addEventListener("click", async () => {
  const socket = getSocket();
  if (!socket?.connected) {
    say("실시간 서버에 연결되어 있지 않습니다. 잠시 후 다시 시도해 주세요.");
    return;
  }
  pay.disabled = true;
  // 1. The order itself, over REST: "바로 구매" orders one goods, the cart page orders the cart (the server empties it).
  let order;
  try {
    ({ order } = await api("POST", "/orders", fromCart ? {} : { goodsId: items[0].goods.goodsId, quantity: items[0].quantity }));
  } catch (error) {
    say(error.message);
    pay.disabled = false;
    return;
  }
  // 2. The post's BUY, plus the orderId: the server announces only an order this member has just placed, once.
  // It does not trust nickname and goodsName either: the nickname comes from the signed-in connection and the names
  // from the order. Unlike the post, the page waits for the server's answer (an acknowledgement).
  let answer;
  try {
    answer = await socket.timeout(10000).emitWithAck("BUY", {
      nickname: user.nickname,
      goodsId: items[0].goods.goodsId,
      goodsName,
      orderId: order.orderId,
    });
  } catch {
    answer = { errorMessage: "서버가 응답하지 않습니다." };
  }
  // The order is placed either way; a refused alert (too many in a minute, say) is only mentioned.
  say(answer?.errorMessage ? `결제가 완료되었습니다! (구매 알림: ${answer.errorMessage})` : "결제가 완료되었습니다!", "ok");
});
