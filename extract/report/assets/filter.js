// Filter box: hides the rows of the table named by data-filter that do not hold every word typed.
document.querySelectorAll("input[data-filter]").forEach(function (box) {
  var table = document.getElementById(box.getAttribute("data-filter"));
  var count = document.getElementById(box.getAttribute("data-filter") + "-count");
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var texts = rows.map(function (row) { return row.textContent.toLowerCase(); });
  box.addEventListener("input", function () {
    var words = box.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    rows.forEach(function (row, i) {
      var keep = words.every(function (word) { return texts[i].indexOf(word) >= 0; });
      row.hidden = !keep;
      if (keep) { shown += 1; }
    });
    if (count) { count.textContent = shown.toLocaleString("en"); }
  });
});
