import { api, price, requireSignIn, onViewerCount, say } from "./shop.js";

onViewerCount((count) => {
  const viewers = document.querySelector("#viewers");
  viewers.textContent = `총 ${count}명이 이 상품을 구경하고 있습니다!`;
  viewers.hidden = false;
});
await requireSignIn();

const goodsId = new URLSearchParams(location.search).get("goodsId");
const quantity = document.querySelector("#quantity");
let goods;
try {
  ({ goods } = await api("GET", `/goods/${encodeURIComponent(goodsId)}`));
} catch (error) {
  say(error.status === 404 ? "상품이 존재하지 않습니다." : error.message);
}

if (goods) {
  document.title = `${goods.name} · spa mall`;
  document.querySelector("#thumbnail").src = goods.thumbnailUrl;
  document.querySelector("#thumbnail").alt = goods.name;
  document.querySelector("#category").textContent = goods.category;
  document.querySelector("#name").textContent = goods.name;
  document.querySelector("#price").textContent = price(goods.price);
  const showTotal = () => { document.querySelector("#total").textContent = price(goods.price * Number(quantity.value)); };
  quantity.addEventListener("change", showTotal);
  showTotal();
  document.querySelector("#detail").hidden = false;

  document.querySelector("#add-to-cart").addEventListener("click", async () => {
    try {
      await api("PUT", `/goods/${goods.goodsId}/cart`, { quantity: Number(quantity.value) });
      say(`장바구니에 ${goods.name} ${quantity.value}개를 담았습니다.`, "ok");
    } catch (error) {
      say(error.message);
    }
  });
  document.querySelector("#buy-now").addEventListener("click", () => {
    location.href = `/order.html?goodsId=${goods.goodsId}&quantity=${quantity.value}`;
  });
}
