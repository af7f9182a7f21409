// After a submit with problems, take the reader to the error summary (a screen
// reader reads its heading and list), and let each of its links put the cursor
// in the field it names, with the field's label or question in view.
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector("[data-error-summary]");
  if (!summary) {
    return;
  }
  summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) {
      return;
    }
    var input = document.getElementById(link.getAttribute("href").slice(1));
    if (!input) {
      return;
    }
    event.preventDefault();
    var question = input.closest("fieldset") || input.closest(".field") || input;
    question.scrollIntoView();
    input.focus({ preventScroll: true });
  });
});
