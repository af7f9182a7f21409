// A long text field says how many characters are left as the person types:
// its maxlength otherwise stops the typing without a word. Without JavaScript
// the counter stays hidden and the field's hint gives the limit.
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  var language = document.documentElement.lang;
  document.querySelectorAll("[data-count]").forEach(function (counter) {
    var field = document.getElementById(counter.dataset.count);
    var limit = Number(field && field.getAttribute("maxlength"));
    if (!limit) {
      return;
    }
    function update() {
      var left = Math.max(0, limit - field.value.length);
      counter.textContent = counter.dataset.left.replace("{n}", left.toLocaleString(language));
    }
    update();
    counter.hidden = false;
    field.addEventListener("input", update);
  });
});
