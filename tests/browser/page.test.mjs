// The page, tested as a reader would use it: paste the seed story, see suicide and self-harm flagged
// (spoiler-free first), reveal and jump to a highlighted paragraph, switch spoiler-free back on, set a
// reader profile. Runs Debian's Chromium through playwright-core (no browser download) against
// `forewarn serve` on loopback, and saves a screenshot under target/.
//
// Needs: target/release/forewarn built, /usr/bin/chromium (or CHROMIUM), ../shared beside the repo.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { chromium } from "playwright-core";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const shared = process.env.FOREWARN_SHARED || path.resolve(root, "../shared");
const bin = path.join(root, "target/release/forewarn");
const port = 18000 + Math.floor(Math.random() * 1000);
const base = `http://127.0.0.1:${port}`;

async function waitForHealth(deadlineMs) {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end) {
    try {
      const r = await fetch(`${base}/healthz`);
      if (r.ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("server did not start");
}

test("a reader scans the seed story in the page", { timeout: 60_000 }, async () => {
  const server = spawn(bin, ["serve", "--addr", `127.0.0.1:${port}`, "-q"], { stdio: ["ignore", "ignore", "inherit"] });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    await waitForHealth(10_000);
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    await page.goto(base + "/");
    const seed = readFileSync(path.join(shared, "seeds/000_d6304b31301b4169.txt"), "utf8");
    await page.fill("#text", seed);
    await page.click("#scan");
    await page.waitForSelector("#summary li");

    // Spoiler-free by default: categories and severities, no text, no locations.
    const summary = await page.textContent("#summary");
    assert.match(summary, /suicide/);
    assert.match(summary, /self-harm/);
    assert.equal(await page.isVisible("#where"), false, "where is hidden while spoiler-free");
    assert.equal(await page.isVisible("#safe-messaging"), true, "safe-messaging note for suicide");
    assert.match(await page.textContent("#ao3"), /Suicide Attempt|Implied\/Referenced Suicide/);

    // Reveal, then jump to the first suicide paragraph.
    await page.uncheck("#spoiler-free");
    assert.equal(await page.isVisible("#where"), true);
    await page.click('#summary button[data-label="suicide"]');
    const current = page.locator("#textview .current");
    await current.waitFor();
    assert.match(await current.getAttribute("data-labels"), /suicide/);
    assert.ok(await current.isVisible());
    const focused = await page.evaluate(() => document.activeElement && document.activeElement.classList.contains("current"));
    assert.ok(focused, "the highlighted paragraph has keyboard focus");
    const before = Number((await page.textContent("#pos")).match(/Flagged paragraph (\d+) of/)[1]);
    await page.click("#next");
    assert.match(await page.textContent("#pos"), new RegExp(`Flagged paragraph ${before + 1} of \\d+`));
    mkdirSync(path.join(root, "target"), { recursive: true });
    await page.screenshot({ path: path.join(root, "target/browser-page.png"), fullPage: false });

    // Spoiler-free back on hides the text view again.
    await page.check("#spoiler-free");
    assert.equal(await page.isVisible("#where"), false);

    // A reader profile, kept in localStorage, gives a verdict.
    await page.click("#profile-h");
    await page.check("#avoid-suicide");
    assert.match(await page.textContent("#verdict"), /Not clear for your profile: suicide/);
    const stored = await page.evaluate(() => localStorage.getItem("forewarn.profile"));
    assert.match(stored, /"suicide"/);
  } finally {
    await browser.close();
    server.kill("SIGTERM");
  }
});
