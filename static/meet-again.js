// Meet-again choices saved as the person goes. Each tick or untick posts the
// same form, ticks only, asking for JSON; a change to a contact field posts it
// whole (ticks and contact details together). The answer's words are read
// out in the status line, and each changed box says "Saved" or, if the save
// was refused, "Not saved"; leaving the page while a save is under way or was
// refused asks first.
// Without JavaScript the form is a plain post, saved with its button.
(function () {
  "use strict";
  var form = document.querySelector("form[data-meet-again]");
  if (!form || !window.fetch || !window.FormData) { return; }
  var status = form.querySelector("[data-save-status]");
  var share = form.querySelector("[data-share-contacts]");
  var boxes = Array.prototype.slice.call(form.querySelectorAll("input[name=chosen]"));
  var saved = {}; // each box's value → ticked, as the server has it
  boxes.forEach(function (box) { saved[box.value] = box.getAttribute("data-saved") === "true"; });
  // Edits to the contact fields, and how many of them the server has (a page
  // drawn again with their errors holds edits the server does not have).
  var edits = 0;
  var editsSaved = share && share.querySelector(".errors") ? -1 : 0;
  var busy = false;
  var again = null; // a save asked for while one was under way: with contacts or not
  var leaving = false;

  function say(text, kind) {
    status.textContent = text;
    status.className = "save-status" + (kind ? " " + kind : "");
  }

  function unsavedTicks() {
    return boxes.some(function (box) { return box.checked !== saved[box.value]; });
  }

  // What became of a box's tick, next to it: "Saving…", "Saved", or "Not
  // saved" (then also its description, and the card is marked); none: no mark.
  function show(box, kind) {
    var item = box.closest(".choice");
    var note = document.getElementById("state-" + box.value);
    if (!kind) {
      if (note) { note.remove(); }
      box.removeAttribute("aria-describedby");
      item.classList.remove("unsaved");
      return;
    }
    if (!note) {
      note = document.createElement("span");
      note.id = "state-" + box.value;
      box.parentNode.appendChild(note);
    }
    note.className = "choice-state " + kind;
    note.textContent = form.getAttribute("data-" + kind);
    item.classList.toggle("unsaved", kind === "unsaved");
    if (kind === "unsaved") {
      box.setAttribute("aria-describedby", note.id);
    } else {
      box.removeAttribute("aria-describedby");
    }
  }

  function marked(box) { return document.getElementById("state-" + box.value) !== null; }

  function clearErrors() {
    share.querySelectorAll(".errors").forEach(function (list) { list.remove(); });
    share.querySelectorAll(".field.invalid").forEach(function (field) { field.classList.remove("invalid"); });
    share.querySelectorAll("[aria-invalid]").forEach(function (input) {
      input.removeAttribute("aria-invalid");
      input.removeAttribute("aria-describedby");
    });
  }

  function showErrors(errors) {
    clearErrors();
    Object.keys(errors).forEach(function (name) {
      var input = form.elements[name];
      var field = input && input.closest && input.closest(".field");
      if (!field) { return; }
      var list = document.createElement("ul");
      list.className = "errors";
      list.id = input.id + "-errors";
      errors[name].forEach(function (text) {
        var item = document.createElement("li");
        item.textContent = text;
        list.appendChild(item);
      });
      field.appendChild(list);
      field.classList.add("invalid");
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", list.id);
    });
  }

  // The contact fields are asked for once someone is ticked (or while they
  // hold edits or errors of their own).
  function showShare() {
    if (!share) { return; }
    var ticked = boxes.some(function (box) { return box.checked; });
    share.hidden = !ticked && edits === editsSaved;
  }

  function refused(message) {
    say(message || form.getAttribute("data-failed"), "error");
    boxes.forEach(function (box) {
      if (box.checked !== saved[box.value]) { show(box, "unsaved"); }
    });
  }

  function save(withContacts) {
    if (busy) {
      again = again === null ? withContacts : again || withContacts;
      return;
    }
    busy = true;
    var data = new FormData(form);
    if (!withContacts) { data.delete("with_contacts"); }
    var sent = {};
    boxes.forEach(function (box) {
      sent[box.value] = box.checked;
      if (box.checked !== saved[box.value]) { show(box, "saving"); }
    });
    var sentEdits = edits;
    say(form.getAttribute("data-saving"), "pending");
    fetch(form.action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    })
      .then(function (response) {
        return response.json().then(
          function (answer) { return answer; },
          function () { return null; }
        );
      })
      .then(function (answer) {
        if (answer && answer.saved) {
          saved = sent;
          if (withContacts) {
            editsSaved = sentEdits;
            clearErrors();
          }
          say(answer.message, "success");
          boxes.forEach(function (box) {
            if (marked(box)) { show(box, box.checked === saved[box.value] ? "saved" : "saving"); }
          });
        } else {
          if (answer && answer.errors) { showErrors(answer.errors); }
          refused(answer && answer.message);
        }
      }, function () { refused(null); })
      .then(function () {
        busy = false;
        showShare();
        if (again !== null) {
          var next = again;
          again = null;
          save(next);
        }
      });
  }

  boxes.forEach(function (box) {
    box.addEventListener("change", function () {
      box.closest(".choice").classList.toggle("chosen", box.checked);
      showShare();
      save(false);
    });
  });
  if (share) {
    share.addEventListener("input", function () { edits += 1; });
    share.addEventListener("change", function () { save(true); });
  }
  form.addEventListener("submit", function () { leaving = true; });
  window.addEventListener("pageshow", function () { leaving = false; });
  window.addEventListener("beforeunload", function (event) {
    if (leaving || !(busy || unsavedTicks() || edits !== editsSaved)) { return; }
    event.preventDefault();
    event.returnValue = "";
  });
  showShare();
})();
