// Application form widgets (forms_config/widgets.py): the 省 → 市 → 区 cascade and the 重复表格's
// 添加一行 / 删除 buttons. Plain JavaScript, no CDN. The server renders complete, working forms
// without it; this only saves round trips. Each widget is an element with data-form-widget.
(function () {
  "use strict";

  // --- region cascade: selects with data-region-level inside [data-form-widget=region] ---
  function fillSelect(select, regions) {
    var empty = select.options[0] ? select.options[0].textContent : "";
    select.innerHTML = "";
    var blank = document.createElement("option");
    blank.value = "";
    blank.textContent = empty;
    select.appendChild(blank);
    regions.forEach(function (region) {
      var option = document.createElement("option");
      option.value = region.code;
      option.textContent = region.name;
      select.appendChild(option);
    });
    select.disabled = regions.length === 0;
  }

  function initRegion(widget) {
    var url = widget.getAttribute("data-children-url");
    var selects = Array.prototype.slice.call(widget.querySelectorAll("select[data-region-level]"));
    selects.sort(function (a, b) {
      return Number(a.getAttribute("data-region-level")) - Number(b.getAttribute("data-region-level"));
    });
    selects.forEach(function (select, index) {
      var next = selects[index + 1];
      if (!next) return;
      function load() {
        if (!select.value || !url) return;
        var requested = select.value;
        fetch(url.replace("CODE", encodeURIComponent(requested)), {
          headers: { Accept: "application/json" },
          credentials: "same-origin",
        })
          .then(function (response) {
            if (!response.ok) throw new Error(String(response.status));
            return response.json();
          })
          .then(function (data) {
            // A slower answer for an earlier choice must not overwrite the current one.
            if (select.value !== requested) return;
            fillSelect(next, data.regions || []);
          })
          .catch(function () {
            // Without the list the form still works: saving narrows the lists on the server.
            next.disabled = false;
          });
      }
      select.addEventListener("change", function () {
        // Everything below the changed list is stale now.
        selects.slice(index + 1).forEach(function (lower) { fillSelect(lower, []); });
        load();
      });
      // A choice made before this script ran (a slow connection, a quick hand) fired no change
      // event here: fill the empty list below it now. A list the server filled is left alone.
      if (select.value && next.options.length <= 1) load();
    });
  }

  // --- repeating table: rows [data-table-row], inputs named <name>-<row>-<column> ---
  function initTable(widget) {
    var name = widget.getAttribute("data-name");
    var maxRows = Number(widget.getAttribute("data-max-rows")) || 200;
    var body = widget.querySelector("[data-table-body]");
    var total = widget.querySelector("[data-table-total]");
    var addButton = widget.querySelector("[data-table-add]");
    var deleteLabel = widget.getAttribute("data-delete-label") || "删除第 {n} 行";
    if (!name || !body || !total) return;

    function rows() {
      return Array.prototype.slice.call(body.querySelectorAll("[data-table-row]"));
    }

    function renumber() {
      rows().forEach(function (row, index) {
        var number = row.querySelector("[data-row-number]");
        if (number) number.textContent = String(index + 1);
        row.querySelectorAll("input[data-column]").forEach(function (input) {
          var column = input.getAttribute("data-column");
          var oldId = input.id;
          input.name = name + "-" + index + "-" + column;
          if (oldId) input.id = oldId.replace(/-\d+-[^-]+$/, "-" + index + "-" + column);
          var label = input.getAttribute("data-column-label") || column;
          input.setAttribute("aria-label", "第 " + (index + 1) + " 行 " + label);
        });
        // Every row's button reads 删除: say which row it removes (screen readers, voice control).
        var remove = row.querySelector("[data-table-delete]");
        if (remove) remove.setAttribute("aria-label", deleteLabel.replace("{n}", String(index + 1)));
      });
      total.value = String(rows().length);
      if (addButton) addButton.disabled = rows().length >= maxRows;
    }

    // Rows added or removed by a button fire no input event: tell listeners (autosave) anyway.
    function changed() {
      widget.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function addRow() {
      var all = rows();
      if (!all.length || all.length >= maxRows) return;
      var row = all[all.length - 1].cloneNode(true);
      row.querySelectorAll("input[data-column]").forEach(function (input) {
        input.value = "";
        input.removeAttribute("aria-invalid");
      });
      body.appendChild(row);
      renumber();
      changed();
      var first = row.querySelector("input[data-column]");
      if (first) first.focus();
    }

    body.addEventListener("click", function (event) {
      var button = event.target.closest("[data-table-delete]");
      if (!button) return;
      var row = button.closest("[data-table-row]");
      var position = rows().indexOf(row);
      if (rows().length > 1) {
        row.parentNode.removeChild(row);
      } else {
        // Keep one row to type into; an all-empty row is dropped on saving.
        row.querySelectorAll("input[data-column]").forEach(function (input) { input.value = ""; });
      }
      renumber();
      changed();
      // The pressed button is gone: keep a keyboard user's focus in the table, on the row that
      // took its place (or the one above it), never back at the top of the page.
      var left = rows();
      var focusRow = left[Math.min(position, left.length - 1)];
      var target = focusRow && focusRow.querySelector("[data-table-delete]");
      if (left.length === 1 || !target) target = addButton || (focusRow && focusRow.querySelector("input[data-column]"));
      if (target) target.focus();
    });
    if (addButton) addButton.addEventListener("click", addRow);
    widget.querySelectorAll("[data-table-js-only]").forEach(function (element) {
      element.hidden = false;
    });
    renumber();
  }

  function init(root) {
    root.querySelectorAll("[data-form-widget=region]").forEach(initRegion);
    root.querySelectorAll("[data-form-widget=table]").forEach(initTable);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(document); });
  } else {
    init(document);
  }
})();
