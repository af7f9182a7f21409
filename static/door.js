// Door search as the host types: after a short pause, fetch the same page
// with ?q= and swap in its results list. Without JavaScript the form is a
// plain GET search and works the same, one press of Search at a time.
(function () {
  "use strict";
  var form = document.querySelector("[data-door-search]");
  var results = document.querySelector("[data-door-results]");
  if (!form || !results) { return; }
  var input = form.elements.q;
  var timer = null;
  var pending = null;
  // What the results list shows: the query the page was served with (the
  // host may have typed more before this script ran).
  var shown = input.defaultValue.trim();

  function search() {
    var query = input.value.trim();
    if (query === shown) { return; }
    if (pending) { pending.abort(); }
    pending = new AbortController();
    var url = window.location.pathname;
    url += query ? "?q=" + encodeURIComponent(query) : "";
    fetch(url, { credentials: "same-origin", signal: pending.signal })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.text();
      })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var fresh = page.querySelector("[data-door-results]");
        if (!fresh) { return; }
        results.innerHTML = fresh.innerHTML;
        shown = query;
        window.history.replaceState(null, "", url);
      })
      .catch(function () { /* a newer search, or offline: Search still works */ });
  }

  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(search, 250);
  });
  search();
})();
