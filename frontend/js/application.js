// Starts GOV.UK Frontend's components. Loaded as a module after govuk-frontend.min.js.
import { initAll } from "/static/govuk/govuk-frontend.min.js";

initAll();
