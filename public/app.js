// Starts GOV.UK Frontend's components. Loaded as a module from every page, so the page itself needs no
// inline script (the CSP forbids them). The body class tells GOV.UK Frontend's CSS that JS is running.
import { initAll } from '/assets/govuk/govuk-frontend.min.js';

document.body.classList.add('govuk-frontend-supported');
initAll();
