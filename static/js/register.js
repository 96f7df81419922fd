// Region cascade (省 → 市 → 区) and the 获取验证码 button with its countdown.
// Plain JavaScript, no CDN: the pages work without it (server narrows the lists on redisplay).
(function () {
  "use strict";
  var form = document.querySelector("form[data-sms-url]");
  if (!form) return;

  function csrfToken() {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // --- region cascade ---
  var regionUrl = form.getAttribute("data-region-url");
  function fill(select, regions, emptyLabel) {
    select.innerHTML = "";
    var empty = document.createElement("option");
    empty.value = "";
    empty.textContent = emptyLabel;
    select.appendChild(empty);
    regions.forEach(function (r) {
      var option = document.createElement("option");
      option.value = r.code;
      option.textContent = r.name;
      select.appendChild(option);
    });
  }
  function clearChain(select) {
    while (select) {
      var first = select.options[0] ? select.options[0].textContent : "";
      fill(select, [], first);
      var next = select.getAttribute("data-region-child");
      select = next ? form.querySelector("[name='" + next + "']") : null;
    }
  }
  if (regionUrl) {
    form.querySelectorAll("select[data-region-child]").forEach(function (parent) {
      parent.addEventListener("change", function () {
        var child = form.querySelector("[name='" + parent.getAttribute("data-region-child") + "']");
        if (!child) return;
        clearChain(child);
        if (!parent.value) return;
        fetch(regionUrl.replace("CODE", encodeURIComponent(parent.value)), { headers: { Accept: "application/json" } })
          .then(function (r) { return r.json(); })
          .then(function (data) {
            fill(child, data.regions, child.options[0] ? child.options[0].textContent : "");
            child.disabled = data.regions.length === 0;
          });
      });
    });
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
