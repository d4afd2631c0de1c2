// The admin: accessible names for what scripts build after the page loads
// (modeltranslation's language tabs, Django's filter boxes). Progressive: the forms work without it.
(function () {
  "use strict";
  function fix() {
    var select = document.getElementById("modeltranslation-main-switch");
    if (select && !select.hasAttribute("aria-label")) {
      var meta = document.querySelector("meta[name=agepartners-language-label]");
      select.setAttribute("aria-label", meta ? meta.getAttribute("content") : "Language");
    }
    // jQuery UI makes each tab (li role=tab) focusable and keeps a link inside it: one focusable
    // thing per tab is enough. The tab widget finds its panel through aria-controls, not the link.
    document.querySelectorAll("li[role=tab] > a[href]").forEach(function (link) {
      link.removeAttribute("href");
      link.setAttribute("role", "presentation");
    });
    // SelectFilter2 labels its search icon with aria-label on a plain span: name it as an image.
    document.querySelectorAll("span.search-label-icon[aria-label]:not([role])").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
  }
  // Those scripts run on DOMContentLoaded or load, in an order this file cannot know: watch the form.
  new MutationObserver(fix).observe(document.documentElement, {childList: true, subtree: true});
  document.addEventListener("DOMContentLoaded", fix);
  window.addEventListener("load", fix);
})();
