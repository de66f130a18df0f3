// Injected into the browser bundles (scripts/build-browser.mjs): the host
// code's global `Buffer` becomes the `buffer` package's.
export { Buffer } from 'buffer';
