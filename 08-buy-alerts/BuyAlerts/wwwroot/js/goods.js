import { api, el, price, detailUrl, requireSignIn, say } from "./shop.js";

await requireSignIn();

const category = new URLSearchParams(location.search).get("category") ?? "";
for (const tab of document.querySelectorAll("#categories a")) {
  tab.classList.toggle("active", (tab.dataset.category ?? "") === category);
}

try {
  const query = category ? `?category=${encodeURIComponent(category)}` : "";
  const { goods } = await api("GET", `/goods${query}`);
  document.querySelector("#goods").replaceChildren(...goods.map((g) =>
    el("li", { class: "card goods-card" },
      el("a", { href: detailUrl(g.goodsId) },
        el("img", { src: g.thumbnailUrl, alt: g.name, width: 160, height: 160 }),
        el("span", { class: "category" }, g.category),
        el("span", { class: "name" }, g.name),
        el("span", { class: "price" }, price(g.price))))));
  if (goods.length === 0) say("이 카테고리에는 상품이 없습니다.", "info");
} catch (error) {
  say(error.message);
}
