// Starts GOV.UK Frontend's components and the service's own scripts. Loaded as a module.
import { initAll } from "/static/govuk/govuk-frontend.min.js";
import { initSessionTimeout } from "./session-timeout.js";
import { initNotifyAutosave } from "./notify-autosave.js";

initAll();
initSessionTimeout();
initNotifyAutosave();
