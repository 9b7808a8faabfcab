// Lighthouse on pages of a local site, for tests/browser/test_reader_quality.py.
//
//   node tests/browser/lighthouse.mjs OUT_DIR RUNS NAME=URL...
//
// One headless chromium (CHROME_PATH, Debian's /usr/bin/chromium in the tests) for every run, mobile
// profile and simulated throttling (Lighthouse's defaults), the four scored categories. Each run's
// full report is written to OUT_DIR/NAME-RUN.json; the Python test reads the scores from there.
// chrome-launcher's default flags turn off Chromium's background networking, so nothing but the
// pages' own server is contacted.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";

const CATEGORIES = ["performance", "accessibility", "best-practices", "seo"];
const CHROME_FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu"];

const [outDir, runs, ...pages] = process.argv.slice(2);
if (!outDir || !(Number(runs) >= 1) || pages.length === 0 || pages.some((page) => !page.includes("="))) {
  console.error("usage: node lighthouse.mjs OUT_DIR RUNS NAME=URL...");
  process.exit(2);
}
mkdirSync(outDir, { recursive: true });

const chrome = await chromeLauncher.launch({ chromeFlags: CHROME_FLAGS, logLevel: "silent" });
try {
  for (const page of pages) {
    const [name, url] = [page.slice(0, page.indexOf("=")), page.slice(page.indexOf("=") + 1)];
    for (let run = 1; run <= Number(runs); run++) {
      const result = await lighthouse(url, {
        port: chrome.port,
        output: "json",
        logLevel: "error",
        onlyCategories: CATEGORIES,
        disableFullPageScreenshot: true,
        skipAudits: ["bf-cache"], // informative only (no weight), and it navigates away and back
      });
      writeFileSync(join(outDir, `${name}-${run}.json`), result.report);
    }
  }
} finally {
  await chrome.kill();
}
