// Types of build-browser.mjs for the TypeScript that imports it (the browser tests).

export interface BundleSize {
  bytes: number;
  gzip: number;
}

/** Builds dist/browser/ (or `outdir`); resolves with each shipped file's raw and gzip size. */
export function buildBrowser(options?: { entry?: string; outdir?: string; minify?: boolean }): Promise<Record<string, BundleSize>>;
