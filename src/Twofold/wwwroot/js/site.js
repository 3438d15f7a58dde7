// Progressive enhancement only: every page works without this file.
// A code dialog rendered open (a plain form without JavaScript) becomes a real modal
// dialog, with focus moved into its code field.
document.addEventListener("DOMContentLoaded", () => {
  for (const dialog of document.querySelectorAll("dialog[data-modal]")) {
    if (typeof dialog.showModal !== "function") continue;
    if (dialog.open) dialog.close();
    dialog.showModal();
    dialog.addEventListener("cancel", (event) => { event.preventDefault(); window.location.assign("/login"); });
    const field = dialog.querySelector("input:not([type=hidden])");
    if (field) field.focus();
  }
});

// Print buttons (recovery codes): CSP forbids inline handlers, so they are wired here.
document.addEventListener("click", (event) => {
  if (event.target instanceof Element && event.target.closest("[data-print]")) window.print();
});
