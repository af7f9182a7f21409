// The projector follows the host: every few seconds it asks the server which
// round is under way and which seating the room is shown, and when either
// changes it loads the projector again (which shows the round under way).
// Meanwhile it counts the minutes since the round started, on the server's
// clock. Without JavaScript the page shows the same on a reload.
(function () {
  "use strict";
  var POLL_MS = 3000;
  var page = document.body;
  if (!page.hasAttribute("data-projector")) { return; }

  var elapsed = document.querySelector("[data-started-at]");
  if (elapsed) {
    var startedAt = Date.parse(elapsed.getAttribute("data-started-at"));
    // How far this machine's clock is off the server's, measured once.
    var skew = Date.parse(elapsed.getAttribute("data-now")) - Date.now();
    var format = elapsed.getAttribute("data-format");
    var tick = function () {
      var minutes = Math.max(0, Math.floor((Date.now() + skew - startedAt) / 60000));
      elapsed.textContent = format.replace("{minutes}", String(minutes));
    };
    tick();
    window.setInterval(tick, 1000);
  }

  var round = page.getAttribute("data-round");
  var seating = page.getAttribute("data-seating");
  function changed(state) {
    var now = state.round === null ? "" : String(state.round);
    return now !== round || String(state.seating) !== seating;
  }
  function poll() {
    fetch(page.getAttribute("data-state-url"), { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (state) {
        if (state && changed(state)) { window.location.assign(page.getAttribute("data-follow-url")); }
      })
      .catch(function () { /* the network blinked: ask again at the next poll */ });
  }
  window.setInterval(poll, POLL_MS);
})();
