// Discussions: insert a @handle from the "who can be mentioned" list into the message box.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var code = event.target.closest(".comm-handles .comm-handle");
    if (!code) { return; }
    var form = code.closest("form");
    var box = form && form.querySelector("textarea");
    if (!box) { return; }
    var start = box.selectionStart || box.value.length;
    var before = box.value.slice(0, start);
    var insert = (before && !/\s$/.test(before) ? " " : "") + code.textContent + " ";
    box.value = before + insert + box.value.slice(box.selectionEnd || start);
    box.focus();
    box.selectionStart = box.selectionEnd = start + insert.length;
  });
})();
