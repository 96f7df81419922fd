/* Confirmation before an irreversible action, for the portal and the Wagtail admin alike.
 *
 * A button or link with data-confirm="问题" opens an accessible modal <dialog> (not
 * window.confirm, which old browsers and screen readers handle badly) with the question, 取消
 * (focused first, so Enter on a slip does nothing) and the action's own label (data-confirm-ok,
 * else the button's text). Confirming repeats the original click, so the button's name and value
 * still go with the form. The server checks every such action on its own (a confirmation page or
 * a required "我已确认…" box): without JavaScript, or in a browser without <dialog>, the action
 * simply goes ahead to that check.
 */
(function () {
  "use strict";
  var confirmed = null; // the element whose next click has been confirmed
  var dialog = null;
  var english = (document.documentElement.lang || "").indexOf("en") === 0;

  function build() {
    dialog = document.createElement("dialog");
    dialog.className = "portal-dialog confirm-dialog";
    dialog.id = "confirm-dialog";
    dialog.setAttribute("aria-labelledby", "confirm-dialog-title");
    dialog.setAttribute("aria-describedby", "confirm-dialog-text");
    dialog.innerHTML =
      '<h2 id="confirm-dialog-title"></h2><p id="confirm-dialog-text"></p>' +
      '<p class="form-actions"><button type="button" class="button button-secondary" data-cancel></button> ' +
      '<button type="button" class="button primary" data-ok></button></p>';
    document.body.appendChild(dialog);
    dialog.querySelector("[data-cancel]").addEventListener("click", function () { dialog.close("cancel"); });
    return dialog;
  }

  function labelOf(el) {
    return (el.dataset.confirmOk || el.textContent || el.value || "").trim() || (english ? "OK" : "确定");
  }

  function ask(el) {
    var d = dialog || build();
    d.querySelector("#confirm-dialog-title").textContent = el.dataset.confirmTitle || (english ? "Please confirm" : "请确认");
    d.querySelector("#confirm-dialog-text").textContent = el.dataset.confirm;
    var cancel = d.querySelector("[data-cancel]");
    var ok = d.querySelector("[data-ok]");
    cancel.textContent = el.dataset.confirmCancel || (english ? "Cancel" : "取消");
    ok.textContent = labelOf(el);
    var fresh = ok.cloneNode(true); // drop the listener of an earlier question
    // The action's own look (primary, danger; the admin's serious) without its behaviour.
    if (el.tagName === "BUTTON") fresh.className = el.className.replace(/\bbutton-longrunning\b/, "");
    ok.parentNode.replaceChild(fresh, ok);
    fresh.addEventListener("click", function () {
      d.close("ok");
      confirmed = el;
      el.click();
    });
    d.addEventListener("close", function restore() {
      d.removeEventListener("close", restore);
      if (d.returnValue !== "ok" && el.focus) el.focus();
    });
    d.returnValue = "";
    d.showModal();
    cancel.focus();
  }

  // Capture phase: runs before the element's own handlers (the admin's "正在提交…" spinner).
  document.addEventListener("click", function (event) {
    var el = event.target.closest ? event.target.closest("[data-confirm]") : null;
    if (!el || el.disabled) return;
    if (confirmed === el) { confirmed = null; return; }
    if (typeof HTMLDialogElement === "undefined") return; // no <dialog>: the server's check stands
    event.preventDefault();
    event.stopPropagation();
    ask(el);
  }, true);
})();
