// The 获取验证码 button with its countdown. (The 省 → 市 → 区 cascade is static/js/form_widgets.js,
// shared with the application form.) Plain JavaScript, no CDN.
(function () {
  "use strict";
  var form = document.querySelector("form[data-sms-url]");
  if (!form) return;

  function csrfToken() {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // --- SMS code button ---
  var button = document.getElementById("send-sms");
  var status = document.getElementById("sms-status");
  if (!button) return;
  var label = button.textContent;
  function countdown(seconds) {
    button.disabled = true;
    var left = seconds;
    button.textContent = left + "s";
    var timer = setInterval(function () {
      left -= 1;
      if (left <= 0) {
        clearInterval(timer);
        button.disabled = false;
        button.textContent = label;
      } else {
        button.textContent = left + "s";
      }
    }, 1000);
  }
  button.addEventListener("click", function () {
    var mobile = document.getElementById(button.getAttribute("data-mobile-field")).value.trim();
    var body = new URLSearchParams();
    body.append("mobile", mobile);
    body.append("purpose", form.getAttribute("data-sms-purpose"));
    button.disabled = true;
    fetch(form.getAttribute("data-sms-url"), {
      method: "POST",
      headers: { "X-CSRFToken": csrfToken(), "Content-Type": "application/x-www-form-urlencoded" },
      body: body.toString(),
      credentials: "same-origin",
    })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        status.textContent = data.message;
        status.className = data.ok ? "help success" : "error";
        if (data.retry_after) countdown(data.retry_after);
        else button.disabled = false;
      })
      .catch(function () {
        status.textContent = button.getAttribute("data-error") || "网络错误，请稍后重试。";
        status.className = "error";
        button.disabled = false;
      });
  });
})();
