// Select a read-only share link when it gets focus, so one copy takes it whole.
document.querySelectorAll("[data-select-on-focus]").forEach((input) => {
  input.addEventListener("focus", () => input.select());
  input.addEventListener("click", () => input.select());
});
