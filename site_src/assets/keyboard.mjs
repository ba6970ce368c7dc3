// Keyboard access to what the theme draws itself: the navigation drawer of narrow screens and
// wide tables. The theme makes these for a pointer; each function below makes one of them
// reachable and operable from the keyboard too (WCAG 2.1.1, 2.4.7, 2.4.11).

const DRAWER_BREAKPOINT = "(max-width: 76.234375em)";   // the theme's own: below it, the navigation is a drawer

// The drawer opens from a <label> for a hidden checkbox, which Tab never reaches. The label
// becomes a button named like the navigation it opens, which says whether it is open. Opening it
// by keyboard takes the focus into the drawer; Escape closes it with the focus back on the
// button, and leaving the drawer with Tab closes it too, the focus going on where Tab took it:
// either way the focus never sits behind the drawer's overlay.
function drawerButton() {
  const toggle = document.getElementById("__drawer");
  const button = document.querySelector('.md-header label[for="__drawer"]');
  const drawer = document.querySelector(".md-sidebar--primary");
  const navigation = drawer?.querySelector(".md-nav--primary");
  if (!toggle || !button || !navigation) return;
  button.setAttribute("role", "button");
  button.tabIndex = 0;
  button.setAttribute("aria-label", navigation.getAttribute("aria-label"));
  const show = () => button.setAttribute("aria-expanded", String(toggle.checked));
  const close = () => {
    if (toggle.checked) toggle.click();
  };
  show();
  toggle.addEventListener("change", show);
  button.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" && event.key !== " ") return;
    event.preventDefault();
    toggle.click();
    if (toggle.checked) {
      // Visible only once the drawer's `visibility` has switched (theme.css), which is at once.
      drawer.querySelector("a[href], [tabindex='0']")?.focus();
    }
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && toggle.checked && matchMedia(DRAWER_BREAKPOINT).matches) {
      close();
      button.focus();
    }
  });
  drawer.addEventListener("focusout", (event) => {
    if (toggle.checked && event.relatedTarget && !drawer.contains(event.relatedTarget)) close();
  });
}

// Wide tables scroll sideways on a narrow screen inside `.md-typeset__scrollwrap`. A region that
// scrolls must be reachable to be scrolled by keyboard, so it is a Tab stop while, and only while,
// it is wider than the screen: on a wide screen the tables add no tab stops.
function scrollingTables() {
  for (const region of document.querySelectorAll(".md-typeset__scrollwrap")) {
    const update = () => {
      if (region.scrollWidth > region.clientWidth) {
        region.tabIndex = 0;
      } else {
        region.removeAttribute("tabindex");
      }
    };
    new ResizeObserver(update).observe(region);
    update();
  }
}

// The theme announces through `document$` that it has read the page (and wrapped its tables);
// without the theme's script there is nothing of it to make reachable.
window.document$?.subscribe(() => {
  drawerButton();
  scrollingTables();
});
