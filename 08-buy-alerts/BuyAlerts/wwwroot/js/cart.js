import { api, el, price, detailUrl, requireSignIn, say } from "./shop.js";

await requireSignIn();

async function load() {
  const { cart } = await api("GET", "/goods/cart");
  document.querySelector("#cart").replaceChildren(...cart.map(line));
  document.querySelector("#total").textContent = price(cart.reduce((sum, c) => sum + c.goods.price * c.quantity, 0));
  document.querySelector("#order").hidden = cart.length === 0;
  if (cart.length === 0) say("장바구니가 비어 있습니다.", "info");
}

function line({ quantity, goods }) {
  const options = Array.from({ length: Math.max(5, quantity) }, (_, i) =>
    el("option", { value: String(i + 1), selected: i + 1 === quantity }, String(i + 1)));
  return el("li", { class: "card line", "data-goods-id": String(goods.goodsId) },
    el("img", { src: goods.thumbnailUrl, alt: goods.name, width: 72, height: 72 }),
    el("a", { class: "name", href: detailUrl(goods.goodsId) }, goods.name),
    el("span", { class: "price" }, price(goods.price)),
    el("select", { class: "quantity", "aria-label": `${goods.name} 수량`, onchange: (e) => change(goods, Number(e.target.value)) }, ...options),
    el("span", { class: "subtotal" }, price(goods.price * quantity)),
    el("button", { type: "button", class: "remove", onclick: () => remove(goods) }, "삭제"));
}

async function change(goods, quantity) {
  try {
    await api("PUT", `/goods/${goods.goodsId}/cart`, { quantity });
    say(null);
    await load();
  } catch (error) {
    say(error.message);
  }
}

async function remove(goods) {
  try {
    await api("DELETE", `/goods/${goods.goodsId}/cart`);
    say(null);
    await load();
  } catch (error) {
    say(error.message);
  }
}

try {
  await load();
} catch (error) {
  say(error.message);
}
