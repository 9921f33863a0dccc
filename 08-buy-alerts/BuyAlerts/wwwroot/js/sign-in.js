import { api, say } from "./shop.js";

// Already signed in (the cookie is still good)? Straight to the goods.
api("GET", "/users/me").then(() => { location.href = "/goods.html"; }, () => {});

document.querySelector("#sign-in").addEventListener("submit", async (event) => {
  event.preventDefault();
  say(null);
  try {
    // The answer sets the HttpOnly cookie "authorization=Bearer <jwt>"; the pages need nothing else.
    await api("POST", "/auth", {
      email: document.querySelector("#email").value,
      password: document.querySelector("#password").value,
    });
    location.href = "/goods.html";
  } catch (error) {
    say(error.message);
  }
});
