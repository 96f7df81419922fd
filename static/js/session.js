/* The session-expiry warning on the pages of a logged-in user (templates/includes/session_dialog.html).
 *
 * The server ends a session SESSION_COOKIE_AGE after the last request (portal/sessions.py); the
 * dialog's data-session-seconds is the part of that certainly left after this page's request.
 * Two minutes before the end the dialog says so and offers 继续保持登录, which posts to the
 * keep-alive URL and restarts the countdown from the expiry the server answers. Activity in any
 * tab of this site (a page load, an autosave, a keep-alive) counts, shared through localStorage.
 * Just before the end a form page is asked to autosave (application_form.js listens for
 * "portal:session-ending"); at the end the dialog says the login has expired, with a link back
 * to the login page that returns to this page, where the browser-side backup restores anything
 * the server did not get.
 */
(function () {
  "use strict";
  var dialog = document.getElementById("session-dialog");
  if (!dialog) return;
  var LIFETIME = parseInt(dialog.dataset.sessionSeconds, 10) * 1000;
  var WARN = parseInt(dialog.dataset.warnSeconds || "120", 10) * 1000;
  var SAVE_BEFORE = 20 * 1000; // the last autosave, early enough to arrive before the end
  var STORE_KEY = "session:last-activity";
  if (!LIFETIME) return;
  var countdown = dialog.querySelector(".session-countdown");
  var errorEl = dialog.querySelector(".session-error");
  var expiresAt = 0;
  var ticker = null;
  var savedForEnd = false;
  var ended = false;
  var dismissedFor = 0; // the expiry the user closed the warning for

  function remember(at) {
    try { localStorage.setItem(STORE_KEY, String(at)); } catch (e) { /* private mode: this tab only */ }
  }
  function activity(at) {
    expiresAt = (at || Date.now()) + LIFETIME;
    savedForEnd = false;
  }
  function renewed(at) {
    activity(at);
    remember(at || Date.now());
  }

  function open() {
    if (dialog.open) return;
    if (typeof dialog.showModal === "function") dialog.showModal();
    else { dialog.setAttribute("open", ""); dialog.setAttribute("role", "alertdialog"); }
  }
  function close() {
    if (!dialog.open) return;
    if (typeof dialog.close === "function") dialog.close();
    else dialog.removeAttribute("open");
  }
  function show(part) {
    dialog.querySelector(".session-warning").hidden = part !== "warning";
    dialog.querySelector(".session-expired").hidden = part !== "expired";
    dialog.setAttribute("aria-labelledby", part === "warning" ? "session-dialog-title" : "session-expired-title");
    dialog.setAttribute("aria-describedby", part === "warning" ? "session-dialog-text" : "session-expired-text");
  }

  function format(ms) {
    var s = Math.max(0, Math.ceil(ms / 1000));
    return Math.floor(s / 60) + ":" + (s % 60 < 10 ? "0" : "") + (s % 60);
  }

  function tick() {
    // The page was replaced in place (upload_progress.js writes the server's answer): that page
    // has its own copy of this script.
    if (!document.documentElement.contains(dialog)) { clearInterval(ticker); return; }
    if (ended) return;
    var left = expiresAt - Date.now();
    if (left <= SAVE_BEFORE && !savedForEnd) {
      savedForEnd = true;
      document.dispatchEvent(new CustomEvent("portal:session-ending"));
    }
    if (left <= 0) {
      ended = true;
      clearInterval(ticker);
      show("expired");
      close();
      open();
      var link = dialog.querySelector(".session-expired a");
      if (link) link.focus();
      return;
    }
    if (left <= WARN) {
      if (countdown) countdown.textContent = format(left);
      if (!dialog.open && dismissedFor !== expiresAt) {
        show("warning");
        errorEl.hidden = true;
        open();
        dialog.querySelector("[data-session-keep]").focus();
      }
    } else if (dialog.open) {
      close(); // renewed elsewhere (another tab, an autosave)
    }
  }

  function keepAlive() {
    var fd = new FormData();
    fd.append("csrfmiddlewaretoken", dialog.dataset.csrfToken);
    var button = dialog.querySelector("[data-session-keep]");
    button.disabled = true;
    fetch(dialog.dataset.keepaliveUrl, {
      method: "POST",
      body: fd,
      credentials: "same-origin",
      headers: { "X-Requested-With": "XMLHttpRequest", "X-CSRFToken": dialog.dataset.csrfToken },
      redirect: "error"
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (json) {
        if (response.ok && json.ok) {
          renewed(Date.now());
          dismissedFor = 0;
          close();
        } else if (response.status === 401) {
          expiresAt = Date.now();
          tick();
        } else {
          throw new Error("refused");
        }
      });
    }).catch(function () {
      errorEl.textContent = dialog.dataset.msgFailed;
      errorEl.hidden = false;
    }).then(function () { button.disabled = false; });
  }

  dialog.querySelector("[data-session-keep]").addEventListener("click", keepAlive);
  dialog.querySelector("[data-session-close]").addEventListener("click", function () {
    dismissedFor = expiresAt;
    close();
  });
  dialog.addEventListener("cancel", function (event) {
    if (ended) event.preventDefault(); // the expired notice stays until the user logs in again
    else dismissedFor = expiresAt;
  });

  // Autosave and other same-page requests renew the session on the server too.
  document.addEventListener("portal:server-activity", function () { renewed(Date.now()); });
  window.addEventListener("storage", function (event) {
    if (event.key === STORE_KEY && event.newValue && !ended) {
      var at = parseInt(event.newValue, 10);
      if (at + LIFETIME > expiresAt) activity(at);
    }
  });

  renewed(Date.now());
  ticker = setInterval(tick, 1000);
})();
