// Drag and drop on the host's tables page: drop a person on another person to
// swap them, or on a table to move there. It only fills in and submits the
// same swap and move forms that work without JavaScript.
(function () {
  "use strict";
  var dragged = null;

  function roundOf(element) {
    var card = element.closest(".table-card");
    return card ? card.getAttribute("data-round") : null;
  }

  function submitForm(round, selector, values) {
    var section = document.getElementById("round-" + (Number(round) + 1));
    var form = section && section.querySelector(selector);
    if (!form) { return; }
    Object.keys(values).forEach(function (name) { form.elements[name].value = values[name]; });
    form.submit();
  }

  document.querySelectorAll(".person[draggable=true]").forEach(function (person) {
    person.addEventListener("dragstart", function (event) {
      dragged = person;
      person.classList.add("dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", person.getAttribute("data-user"));
    });
    person.addEventListener("dragend", function () {
      person.classList.remove("dragging");
      dragged = null;
    });
  });

  document.querySelectorAll(".table-card").forEach(function (card) {
    card.addEventListener("dragover", function (event) {
      if (dragged && roundOf(dragged) === card.getAttribute("data-round")) {
        event.preventDefault();
        card.classList.add("drop-target");
      }
    });
    card.addEventListener("dragleave", function () { card.classList.remove("drop-target"); });
    card.addEventListener("drop", function (event) {
      card.classList.remove("drop-target");
      if (!dragged || roundOf(dragged) !== card.getAttribute("data-round")) { return; }
      event.preventDefault();
      var round = card.getAttribute("data-round");
      var user = dragged.getAttribute("data-user");
      var onto = event.target.closest(".person");
      if (onto && onto !== dragged) {
        submitForm(round, ".swap-form", { user_a: user, user_b: onto.getAttribute("data-user") });
      } else if (!onto && dragged.closest(".table-card") !== card) {
        submitForm(round, ".move-form", { user_id: user, table: card.getAttribute("data-table") });
      }
    });
  });
})();

// Forming tables takes a few seconds. Once one of the forms that form tables
// is sent, every seating action waits for the answer (no second press, no
// publish meanwhile) and a status message says what is happening. Without
// JavaScript each press still posts once.
(function () {
  "use strict";
  var actions = document.querySelector("[data-seating-actions]");
  var status = document.getElementById("forming-status");
  if (!actions || !status) { return; }

  function wait(waiting) {
    actions.querySelectorAll("button").forEach(function (button) { button.disabled = waiting; });
    actions.setAttribute("aria-busy", waiting ? "true" : "false");
    status.textContent = waiting ? status.getAttribute("data-message") : "";
  }

  actions.querySelectorAll("form[data-forms-tables]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (actions.getAttribute("aria-busy") === "true") {
        event.preventDefault();
        return;
      }
      wait(true);
    });
  });
  // Back to this page from the browser's history: the buttons work again.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) { wait(false); }
  });
})();
