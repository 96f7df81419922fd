/* Upload progress for forms with file fields (form[data-upload-progress]): the application form
 * pages and the correction page.
 *
 * When files are chosen, the form goes up with XMLHttpRequest so a <progress> bar and the
 * percentage show how far the upload is, which matters for a 20 MB scan on a slow line. The
 * server's answer replaces the page exactly as an ordinary submit would (the next page, or this
 * page with the server's messages next to the fields). When the upload does not arrive — the
 * network drops, the body is over the server's limit (413), the server fails, the login has
 * expired — the page stays as it is, with everything typed still in it, and a message in
 * Chinese next to each file field says what happened and what to do. Without JavaScript, or
 * without files chosen, the form submits normally; the server checks sizes and types either way.
 */
(function () {
  "use strict";
  if (!window.FormData || !window.XMLHttpRequest) return;

  function chosenFiles(form) {
    return Array.prototype.filter.call(form.querySelectorAll("input[type=file]"), function (input) {
      return input.files && input.files.length && !input.disabled;
    });
  }

  function setup(form) {
    var lastButton = null;
    form.addEventListener("click", function (event) {
      var button = event.target.closest ? event.target.closest("button, input[type=submit]") : null;
      if (button && button.type === "submit") lastButton = button;
    });
    form.addEventListener("submit", function (event) {
      if (event.defaultPrevented) return;
      var submitter = event.submitter || lastButton;
      // 打印当前页 opens a new window: an ordinary submit does that best.
      if (submitter && submitter.getAttribute("formtarget")) return;
      var inputs = chosenFiles(form);
      if (!inputs.length) return;
      event.preventDefault();
      send(form, submitter, inputs);
    });
  }

  function clearMessages(form) {
    form.querySelectorAll(".upload-error").forEach(function (p) {
      var input = document.getElementById(p.dataset.for);
      if (input) {
        var ids = (input.getAttribute("aria-describedby") || "").split(" ").filter(function (id) { return id && id !== p.id; });
        if (ids.length) input.setAttribute("aria-describedby", ids.join(" "));
        else input.removeAttribute("aria-describedby");
        if (input.dataset.wasValid) { input.removeAttribute("aria-invalid"); delete input.dataset.wasValid; }
      }
      p.parentNode.removeChild(p);
    });
  }

  function showError(form, inputs, text) {
    clearMessages(form);
    inputs.forEach(function (input, i) {
      var p = document.createElement("p");
      p.className = "error upload-error";
      p.id = (input.id || input.name) + "_upload_error";
      p.dataset.for = input.id;
      // Announced once, not once per field.
      if (i === 0) p.setAttribute("role", "alert");
      p.textContent = text;
      input.parentNode.insertBefore(p, input.nextSibling);
      if (input.getAttribute("aria-invalid") !== "true") input.dataset.wasValid = "1";
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", ((input.getAttribute("aria-describedby") || "") + " " + p.id).trim());
    });
    if (inputs[0]) inputs[0].focus();
  }

  function progressBox(form) {
    var box = form.querySelector(".upload-progress");
    if (box) return box;
    box = document.createElement("div");
    box.className = "upload-progress";
    var id = "upload-progress-" + Math.random().toString(36).slice(2);
    box.innerHTML = '<label for="' + id + '"></label> <progress id="' + id + '" max="100" value="0"></progress> ' +
      '<span class="upload-percent" aria-live="polite"></span>';
    box.querySelector("label").textContent = form.dataset.msgUploading || "正在上传文件";
    var actions = form.querySelector(".form-actions");
    (actions ? actions.parentNode : form).insertBefore(box, actions || null);
    return box;
  }

  function setBusy(form, busy) {
    form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (b) {
      if (busy) { b.dataset.wasDisabled = b.disabled ? "1" : ""; b.disabled = true; }
      else { b.disabled = b.dataset.wasDisabled === "1"; }
    });
    form.setAttribute("aria-busy", busy ? "true" : "false");
  }

  function message(form, key, fallback) {
    return form.dataset[key] || fallback;
  }

  function send(form, submitter, inputs) {
    var data = new FormData(form);
    if (submitter && submitter.name) data.append(submitter.name, submitter.value);
    clearMessages(form);
    var box = progressBox(form);
    box.hidden = false;
    var bar = box.querySelector("progress");
    var percent = box.querySelector(".upload-percent");
    var lastSaid = -1;
    bar.value = 0;
    percent.textContent = "0%";
    setBusy(form, true);

    var xhr = new XMLHttpRequest();
    xhr.open("POST", (submitter && submitter.getAttribute("formaction")) || form.getAttribute("action") || window.location.href);
    xhr.upload.addEventListener("progress", function (event) {
      if (!event.lengthComputable) return;
      var p = Math.floor((event.loaded / event.total) * 100);
      bar.value = p;
      // The live region speaks in steps of ten, not at every percent.
      if (Math.floor(p / 10) !== lastSaid) { lastSaid = Math.floor(p / 10); percent.textContent = p + "%"; }
    });
    function failed(text) {
      setBusy(form, false);
      box.hidden = true;
      showError(form, inputs, text);
    }
    xhr.addEventListener("load", function () {
      var url = xhr.responseURL || "";
      var loginPath = form.dataset.loginPath || "/accounts/login/";
      if (xhr.status === 401 || url.indexOf(loginPath) !== -1) {
        failed(message(form, "msgUploadLogin", "登录已过期，文件未能上传。请在新窗口重新登录后回到本页再上传；已填写的内容仍在本页。"));
        return;
      }
      if (xhr.status === 413) {
        failed(message(form, "msgUploadTooLarge", "文件太大，服务器拒绝接收。请压缩文件或分几次上传，每个文件不超过该项规定的大小；已填写的内容仍在本页。"));
        return;
      }
      if ((xhr.status >= 200 && xhr.status < 300) || xhr.status === 400 || xhr.status === 409) {
        // The server's page, as an ordinary submit would have shown it (with its own messages).
        bar.value = 100;
        percent.textContent = "100%";
        var html = xhr.responseText;
        if (url && url !== window.location.href && window.history && history.replaceState) {
          try { history.replaceState(null, "", url); } catch (e) { /* another origin: keep the address */ }
        }
        document.open();
        document.write(html);
        document.close();
        return;
      }
      failed(message(form, "msgUploadServer", "服务器暂时无法处理本次上传，请稍后重试；已填写的内容仍在本页。") +
        " (" + xhr.status + ")");
    });
    xhr.addEventListener("error", function () {
      failed(message(form, "msgUploadNetwork", "网络中断，文件未能上传。请检查网络后重新提交；已填写的内容仍在本页。"));
    });
    xhr.addEventListener("timeout", function () {
      failed(message(form, "msgUploadNetwork", "网络中断，文件未能上传。请检查网络后重新提交；已填写的内容仍在本页。"));
    });
    xhr.send(data);
  }

  document.querySelectorAll("form[data-upload-progress]").forEach(setup);
})();
