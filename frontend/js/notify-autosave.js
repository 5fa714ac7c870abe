// "Report a serious incident": saves the page in the background while the person types, so that closing the tab,
// losing the connection or being signed out loses at most the last few seconds. Without JavaScript every page still
// saves on "Save and continue" and "Save and come back later".
//
// <form data-notify-autosave> opts in. The server answers the background save with 204; for a child or household
// member it has just created it names the new address in X-Draft-Item, and later saves (and the buttons) go there.
// Typing is activity: a save keeps the session alive exactly as pressing a button would.

const DELAY_MS = 2000;

function initForm(form) {
  let timer = null;
  let dirty = false;
  let inFlight = null;
  let resubmitting = false;

  const target = () => form.getAttribute("action") || window.location.pathname + window.location.search;

  function payload() {
    const data = new FormData(form);
    data.set("action", "autosave");
    return data;
  }

  async function save() {
    window.clearTimeout(timer);
    if (!dirty) return;
    dirty = false;
    try {
      const response = await fetch(target(), {
        method: "POST",
        body: payload(),
        credentials: "same-origin",
        redirect: "error",
      });
      const item = response.headers.get("X-Draft-Item");
      if (response.status === 204 && item) form.setAttribute("action", item);
      if (response.status !== 204) dirty = true;
    } catch {
      dirty = true; // signed out or offline: the next change, or the buttons, try again
    }
  }

  function changed() {
    dirty = true;
    window.clearTimeout(timer);
    timer = window.setTimeout(() => {
      inFlight = save().finally(() => {
        inFlight = null;
      });
    }, DELAY_MS);
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", (event) => {
    window.clearTimeout(timer);
    dirty = false;
    // A background save that is creating a child must finish first, so the buttons post to that child.
    if (inFlight && !resubmitting) {
      event.preventDefault();
      const submitter = event.submitter;
      inFlight.then(() => {
        resubmitting = true;
        form.requestSubmit(submitter);
      });
    }
  });
  window.addEventListener("pagehide", () => {
    if (dirty && navigator.sendBeacon) navigator.sendBeacon(target(), payload());
  });
}

export function initNotifyAutosave(root = document) {
  root.querySelectorAll("form[data-notify-autosave]").forEach(initForm);
}
