// A "print" button on a page: any element with data-print prints the page (no inline script: CSP).
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) {
    event.preventDefault();
    window.print();
  }
});
