/* chuangshu community report: sortable tables and the print button; no library, nothing fetched */
(function () {
  "use strict";
  function key(cell, kind) {
    var v = cell.getAttribute("data-value");
    if (kind === "number") { return parseFloat(v !== null ? v : cell.textContent) || 0; }
    return (v !== null ? v : cell.textContent).trim();
  }
  document.querySelectorAll("table.sortable").forEach(function (table) {
    var heads = table.querySelectorAll("thead th");
    heads.forEach(function (th, col) {
      th.setAttribute("tabindex", "0");
      function sort() {
        var kind = th.getAttribute("data-sort") || "text";
        var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
        heads.forEach(function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = key(a.cells[col], kind), y = key(b.cells[col], kind);
          if (kind === "number") { return dir * (x - y); }
          return dir * x.localeCompare(y, document.documentElement.lang);
        });
        rows.forEach(function (r) { body.appendChild(r); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter") { sort(); } });
    });
  });
  document.querySelectorAll("[data-print]").forEach(function (b) {
    b.addEventListener("click", function () { window.print(); });
  });
}());
