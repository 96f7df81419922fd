/* The application form page: display conditions, autosave, and a browser-side backup.
 *
 * - Fields with data-show-when-field are shown only while that field (on this page) has the
 *   value in data-show-when-value (or one of its values separated by "|"); the server applies the
 *   same rule (forms_config/schema.py).
 * - Typed values are posted to the autosave URL a few seconds after the last change.
 * - If a save fails (session expired, network down) the values stay in localStorage until a
 *   save succeeds, and are put back when the page is opened again, so nothing typed is lost.
 *   The backup is removed as soon as the server has the values: personal data does not stay
 *   in the browser longer than needed.
 */
(function () {
  "use strict";
  var form = document.getElementById("application-form");
  if (!form) return;
  var statusEl = document.getElementById("autosave-status");
  var storageKey = form.dataset.draftKey;
  var DELAY = 3000;
  var timer = null;
  var dirty = false;
  var saving = false;

  function say(text, isError) {
    if (!statusEl) return;
    statusEl.textContent = text;
    statusEl.classList.toggle("error", !!isError);
  }

  // ----- display conditions -----
  function controlValue(name) {
    var inputs = form.querySelectorAll('[name="' + name + '"]');
    var values = [];
    inputs.forEach(function (input) {
      if (input.type === "checkbox" || input.type === "radio") {
        if (input.checked) values.push(input.value === "on" ? "是" : input.value);
      } else {
        values.push(input.value.trim());
      }
    });
    return values;
  }
  function applyConditions() {
    form.querySelectorAll("[data-show-when-field]").forEach(function (el) {
      var name = el.dataset.showWhenField;
      if (!form.querySelector('[name="' + name + '"]')) return; // controller on another page: server decides
      // Several values separated by "|": shown when the field has any of them.
      var expected = (el.dataset.showWhenValue || "").split("|");
      var values = controlValue(name);
      el.hidden = !expected.some(function (value) { return values.indexOf(value.trim()) !== -1; });
    });
  }

  // ----- collecting and restoring values (files excluded: they go up with the page) -----
  function snapshot() {
    var data = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "file" || el.type === "submit" || el.name === "csrfmiddlewaretoken") return;
      if (el.type === "checkbox" || el.type === "radio") {
        data[el.name] = data[el.name] || [];
        if (el.checked) data[el.name].push(el.value);
      } else {
        data[el.name] = data[el.name] || [];
        data[el.name].push(el.value);
      }
    });
    return data;
  }
  function restore(data) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || !(el.name in data) || el.type === "file" || el.type === "submit") return;
      if (el.name === "csrfmiddlewaretoken") return;
      var values = data[el.name];
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = values.indexOf(el.value) !== -1;
      } else if (values.length) {
        el.value = values.shift();
      }
    });
  }
  // The backup remembers which server save it builds on (a server-side token, so the browser's
  // clock does not matter): it is newer than the server copy exactly when that is unchanged.
  function backup() {
    try {
      localStorage.setItem(storageKey, JSON.stringify({ base: form.dataset.savedAt, data: snapshot() }));
    } catch (e) { /* storage full or disabled: the server copy is all we have */ }
  }
  function dropBackup() {
    try { localStorage.removeItem(storageKey); } catch (e) { /* ignore */ }
  }

  function body() {
    var fd = new FormData();
    fd.append("csrfmiddlewaretoken", form.querySelector('[name="csrfmiddlewaretoken"]').value);
    var data = snapshot();
    Object.keys(data).forEach(function (name) {
      data[name].forEach(function (v) { fd.append(name, v); });
    });
    return fd;
  }

  function save() {
    if (!dirty || saving) return;
    saving = true;
    dirty = false;
    say(form.dataset.msgSaving || "正在保存…");
    fetch(form.dataset.autosaveUrl, {
      method: "POST",
      body: body(),
      credentials: "same-origin",
      headers: { "X-Requested-With": "XMLHttpRequest" },
      redirect: "error"
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (json) {
        if (response.ok && json.ok) {
          form.dataset.savedAt = json.saved_token;
          if (!dirty) dropBackup(); else backup();
          say(json.message);
          // The request renewed the session: session.js restarts its countdown.
          document.dispatchEvent(new CustomEvent("portal:server-activity"));
        } else if (response.status === 401 || response.status === 403) {
          dirty = true;
          say(gettextLoginExpired(), true);
        } else {
          dirty = true;
          say(json.error || form.dataset.msgFailed || "未能保存，请检查网络；内容已暂存在本机浏览器", true);
        }
      });
    }).catch(function () {
      dirty = true;
      say(form.dataset.msgFailed || "未能保存，请检查网络；内容已暂存在本机浏览器", true);
    }).then(function () { saving = false; });
  }
  function gettextLoginExpired() {
    return form.dataset.msgLogin || "登录已过期：填写的内容已暂存在本机浏览器，重新登录后回到本页会自动恢复。";
  }

  function changed() {
    dirty = true;
    backup();
    applyConditions();
    clearTimeout(timer);
    timer = setTimeout(save, DELAY);
  }

  // A backup taken on top of the server's current copy holds what could not be delivered.
  // Backups of this application's other pages that the server has overtaken are dropped.
  try {
    var prefix = storageKey.replace(/:\d+$/, ":");
    for (var i = localStorage.length - 1; i >= 0; i--) {
      var k = localStorage.key(i);
      if (k && k !== storageKey && k.indexOf(prefix) === 0) {
        var other = JSON.parse(localStorage.getItem(k) || "null");
        if (!other || other.base !== form.dataset.savedAt) localStorage.removeItem(k);
      }
    }
    var saved = JSON.parse(localStorage.getItem(storageKey) || "null");
    if (saved && saved.base === form.dataset.savedAt) {
      restore(saved.data);
      dirty = true;
      say(form.dataset.msgRestored || "已恢复上次未能保存的填写内容。");
      timer = setTimeout(save, 500);
    } else if (saved) {
      dropBackup();
    }
  } catch (e) { dropBackup(); }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  // On submit the backup stays: if the session has expired the POST is lost on the way to the
  // login page, and the backup brings the values back; a successful save outdates it.
  form.addEventListener("submit", function () { clearTimeout(timer); backup(); });
  // The session is about to end (session.js): deliver what is typed while the server still takes it.
  document.addEventListener("portal:session-ending", function () { clearTimeout(timer); save(); });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") save();
  });
  applyConditions();
})();
