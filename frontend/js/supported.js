// Tells GOV.UK Frontend's styles and scripts that this browser can run them, before the page is drawn.
//
// GOV.UK Frontend's own page template does this with an inline script, which the service's
// Content-Security-Policy (script-src 'self', no nonce) blocks: then initAll() starts nothing,
// conditional reveals stay open and the error summary is never focused. This file is loaded as a
// classic (blocking) script at the very top of <body> on every page, so the class is there before
// any component is drawn; application.js, a module, runs initAll() afterwards.
document.body.classList.add("js-enabled");
if ("noModule" in HTMLScriptElement.prototype) {
  document.body.classList.add("govuk-frontend-supported");
}
