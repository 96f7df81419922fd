/* Phones: below 640 px portal.css shows each row of a table.reflow as a block, one cell
 * under the other, each headed by its column's name from data-label. This copies the column
 * headers into data-label, so templates keep plain <th scope="col"> headers and no page scrolls
 * sideways at 375 px. Rows added later (the repeating table's 添加一行) are cloned from a labelled
 * row, so they carry the labels too.
 */
(function () {
  "use strict";
  function label(table) {
    var head = table.tHead && table.tHead.rows[0];
    if (!head) return;
    var names = Array.prototype.map.call(head.cells, function (cell) {
      return cell.textContent.replace(/^\s*\*/, "").trim();
    });
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        Array.prototype.forEach.call(row.cells, function (cell, index) {
          if (names[index] && !cell.hasAttribute("data-label")) cell.setAttribute("data-label", names[index]);
        });
      });
    });
    table.classList.add("reflow");
  }
  document.querySelectorAll("main table").forEach(label);
})();
