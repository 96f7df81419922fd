// 选取许可项目: when national and provincial levels are both ticked, show the note that two
// applications (one per 审批机关) will be created. The server says the same after 点击进入.
(function () {
  "use strict";
  var form = document.getElementById("choose-items");
  var note = document.getElementById("mixed-authorities-note");
  if (!form || !note) return;
  function update() {
    var kinds = {};
    form.querySelectorAll('input[name="level"]:checked').forEach(function (box) {
      kinds[box.getAttribute("data-approval") === "national" ? "national" : "provincial"] = true;
    });
    note.hidden = !(kinds.national && kinds.provincial);
  }
  form.addEventListener("change", update);
  update();
})();
