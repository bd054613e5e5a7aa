// Types of the file the server maps to /assets/vendor/uPlot.esm.js (the `uplot` package's ESM build), for
// the type check of the dashboard (tsconfig.ui.json). Not served: the dashboard serves no .ts files.
export { default } from 'uplot';
