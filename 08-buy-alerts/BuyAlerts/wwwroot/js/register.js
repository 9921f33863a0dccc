import { api, say } from "./shop.js";

const form = document.querySelector("#register");
form.addEventListener("submit", async (event) => {
  event.preventDefault();
  say(null);
  try {
    await api("POST", "/users", {
      email: document.querySelector("#email").value,
      nickname: document.querySelector("#nickname").value,
      password: document.querySelector("#password").value,
      confirmPassword: document.querySelector("#confirm-password").value,
    });
    say("회원가입을 축하합니다! 로그인해 주세요.", "ok");
    form.querySelector("button").disabled = true;
    setTimeout(() => { location.href = "/"; }, 800);
  } catch (error) {
    say(error.message); // e.g. 패스워드가 패스워드 확인란과 다릅니다.
  }
});
