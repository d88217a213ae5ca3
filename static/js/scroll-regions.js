// A table wider than the screen scrolls sideways inside its container. A keyboard user can
// scroll it only if the container takes focus (WCAG 2.1.1): while it overflows it gets
// tabindex="0", the role group (not a landmark: the section around it already is one) and
// the table's caption or its section's heading as its name; otherwise none of these, so a
// table that fits adds no tab stop.
(function () {
  "use strict";
  function update() {
    var names = {};
    document.querySelectorAll(".utrecht-table-container").forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.hasAttribute("tabindex")) {
        var caption = box.querySelector("caption");
        var heading = box.closest("section") && box.closest("section").querySelector("h2, h3");
        var name = ((caption || heading || {}).textContent || document.title).trim();
        names[name] = (names[name] || 0) + 1;
        if (names[name] > 1) name += " (" + names[name] + ")";
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "group");
        box.setAttribute("aria-label", name);
        box.dataset.scrollRegion = "yes";
      } else if (!scrolls && box.dataset.scrollRegion === "yes") {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
        delete box.dataset.scrollRegion;
      }
    });
  }
  document.addEventListener("DOMContentLoaded", update);
  window.addEventListener("resize", update);
})();
