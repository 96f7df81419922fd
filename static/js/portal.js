/* Every portal page: the error summary (templates/includes/error_summary.html) takes the focus
 * when the page opens, so a keyboard or screen-reader user hears "提交的内容有 N 处需要修改" first
 * and can follow its links; a link moves the focus into the field it names, not just the view.
 */
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (!summary) return;
  // A page opened at a field's anchor (from the check page) keeps that target instead.
  if (!window.location.hash) summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[href^='#']") : null;
    if (!link) return;
    var target = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
    if (!target) return;
    event.preventDefault();
    var box = target.closest ? target.closest(".field") : null;
    (box || target).scrollIntoView({ block: "center" });
    target.focus();
  });
})();
