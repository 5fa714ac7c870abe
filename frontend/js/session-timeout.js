// Warns before the server ends an idle session, and lets the person stay signed in
// (WCAG 2.2.1 Timing Adjustable). The server decides: this only shows what it says.
//
// <body data-session-seconds="…" data-session-warning-seconds="…" data-session-extendable="true|false">
// and the <dialog id="session-timeout-dialog"> rendered by base.html for signed-in pages.

const ANNOUNCE_EVERY_SECONDS = 30;

function describe(seconds) {
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  const parts = [];
  if (minutes > 0) parts.push(`${minutes} ${minutes === 1 ? "minute" : "minutes"}`);
  if (rest > 0 || minutes === 0) parts.push(`${rest} ${rest === 1 ? "second" : "seconds"}`);
  return parts.join(" ");
}

async function askServer(url, options = {}) {
  try {
    const response = await fetch(url, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
      redirect: "error",
      ...options,
    });
    const type = response.headers.get("Content-Type") || "";
    if (!response.ok || !type.includes("application/json")) return { signed_in: false };
    return await response.json();
  } catch {
    return { signed_in: false };
  }
}

export function initSessionTimeout(body = document.body) {
  const dialog = document.getElementById("session-timeout-dialog");
  const seconds = Number(body.dataset.sessionSeconds);
  const warning = Number(body.dataset.sessionWarningSeconds);
  if (!dialog || typeof dialog.showModal !== "function" || !Number.isFinite(seconds) || !Number.isFinite(warning)) {
    return null;
  }
  const form = dialog.querySelector("[data-timeout-form]");
  const stay = dialog.querySelector("[data-timeout-stay]");
  const close = dialog.querySelector("[data-timeout-close]");
  const announcement = dialog.querySelector("[data-timeout-announcement]");
  const countdowns = dialog.querySelectorAll("[data-timeout-countdown]");
  const idleText = dialog.querySelector("[data-timeout-idle]");
  const absoluteText = dialog.querySelector("[data-timeout-absolute]");
  const statusUrl = dialog.dataset.statusUrl;
  const timedOutUrl = dialog.dataset.timedOutUrl;

  let deadline = 0;
  let extendable = body.dataset.sessionExtendable !== "false";
  let warnTimer = null;
  let tickTimer = null;
  let lastAnnounced = null;
  let returnFocusTo = null;

  const secondsLeft = () => Math.max(0, Math.round((deadline - Date.now()) / 1000));

  function signedOut(reason) {
    // After signing in again the person comes back to this page (a draft saved on the server is still there).
    const next = encodeURIComponent(window.location.pathname + window.location.search);
    window.location.assign(`${timedOutUrl}?reason=${reason}&next=${next}`);
  }

  function setDeadline(state) {
    deadline = Date.now() + state.seconds * 1000;
    extendable = state.extendable !== false;
  }

  function schedule(state) {
    window.clearTimeout(warnTimer);
    setDeadline(state);
    warnTimer = window.setTimeout(check, Math.max(0, (state.seconds - warning) * 1000));
  }

  function hide() {
    window.clearInterval(tickTimer);
    if (dialog.open) dialog.close();
    if (returnFocusTo && typeof returnFocusTo.focus === "function") returnFocusTo.focus();
    returnFocusTo = null;
  }

  function tick() {
    const left = secondsLeft();
    const text = describe(left);
    countdowns.forEach((element) => {
      element.textContent = text;
    });
    const step = Math.ceil(left / ANNOUNCE_EVERY_SECONDS);
    if (lastAnnounced !== null && step !== lastAnnounced && left > 0) {
      announcement.textContent = `We will sign you out in ${text}.`;
    }
    lastAnnounced = step;
    if (left <= 0) {
      window.clearInterval(tickTimer);
      expire();
    }
  }

  function show() {
    idleText.hidden = !extendable;
    absoluteText.hidden = extendable;
    stay.hidden = !extendable;
    close.hidden = extendable;
    lastAnnounced = null;
    announcement.textContent = "";
    if (!dialog.open) {
      returnFocusTo = document.activeElement;
      dialog.showModal();
      (extendable ? stay : close).focus();
    }
    tick();
    window.clearInterval(tickTimer);
    tickTimer = window.setInterval(tick, 1000);
  }

  // Before warning, and at the end, ask the server: another tab may have kept the session alive.
  async function check() {
    const state = await askServer(statusUrl);
    if (!state.signed_in) {
      hide();
      signedOut(extendable ? "idle" : "absolute");
      return;
    }
    if (state.seconds > warning) {
      hide();
      schedule(state);
      return;
    }
    setDeadline(state);
    show();
  }

  async function expire() {
    const state = await askServer(statusUrl);
    if (state.signed_in && state.seconds > 0) {
      if (state.seconds > warning) {
        hide();
        schedule(state);
      } else {
        setDeadline(state);
        show();
      }
      return;
    }
    signedOut(extendable ? "idle" : "absolute");
  }

  async function staySignedIn() {
    const state = await askServer(form.action, { method: "POST", body: new FormData(form) });
    if (!state.signed_in) {
      signedOut("idle");
      return;
    }
    hide();
    schedule(state);
  }

  form.addEventListener("submit", (event) => {
    if (event.submitter && event.submitter.hasAttribute("data-timeout-sign-out")) return; // a real sign-out
    event.preventDefault();
    staySignedIn();
  });
  close.addEventListener("click", () => {
    hide();
    window.clearTimeout(warnTimer);
    warnTimer = window.setTimeout(expire, secondsLeft() * 1000);
  });
  // Escape closes the dialog: that means "stay signed in" (or just "continue" when it cannot).
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    if (extendable) staySignedIn();
    else close.click();
  });

  schedule({ seconds, extendable });
  return { check, staySignedIn };
}
