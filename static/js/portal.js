// The header on every page: small progressive enhancements (the header works without them).
(function () {
  "use strict";
  var root = document.documentElement;
  var toggle = document.querySelector(".nav-toggle");
  var menu = document.getElementById("site-menu");
  if (toggle && menu) {
    // Only now may CSS fold the menu on phones: without this script it stays open.
    root.classList.add("js-menu");
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      menu.classList.toggle("open", open);
    });
  }
  // The language list closes like a menu: on Escape and on a click elsewhere.
  var languages = document.querySelector("details.lang-switch");
  if (languages) {
    document.addEventListener("click", function (event) {
      if (languages.open && !languages.contains(event.target)) { languages.open = false; }
    });
    languages.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && languages.open) {
        languages.open = false;
        languages.querySelector("summary").focus();
      }
    });
  }
})();
