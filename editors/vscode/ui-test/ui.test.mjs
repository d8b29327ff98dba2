// Drives a real VS Code (code-server) in headless Chromium through playwright-core and
// checks what a user of the extension sees on a scratch copy of examples/demo-app.
// run.sh starts code-server and sets the CLOUDWERK_UI_* variables. The checks look
// for specific findings, never for counts, so the example may grow more mistakes.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { after, before, test } from 'node:test';

const env = (name) => {
  const v = process.env[name];
  assert.ok(v, `${name} is not set (run ui-test/run.sh)`);
  return v;
};
const deps = env('CLOUDWERK_UI_DEPS');
const url = env('CLOUDWERK_UI_URL');
const app = env('CLOUDWERK_UI_APP');
const shots = env('CLOUDWERK_UI_SHOTS');
const serverLog = env('CLOUDWERK_UI_SERVER_LOG');
const { chromium } = createRequire(path.join(deps, 'noop.js'))('playwright-core');

// Waits are long: two shared cores run the workbench, the extension host and the server.
const WAIT = 120_000;
const objectFile = 'app/objects/rate-limiter.ts';
const routeFile = 'app/routes/api/counter/[id]/route.ts';

let browser;
let page;

before(async () => {
  browser = await chromium.launch({
    executablePath: process.env.CLOUDWERK_UI_CHROMIUM || '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-crash-reporter',
      '--disable-breakpad',
    ],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 760 } });
  page = await context.newPage();
  page.setDefaultTimeout(WAIT);
  await page.goto(url);
  await page.waitForSelector('.monaco-workbench .part.editor', { timeout: WAIT });
  // The explorer shows the app once the folder is open.
  await page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: WAIT });
});

after(async () => {
  await browser?.close();
});

const read = (rel) => fs.readFileSync(path.join(app, rel), 'utf8');
const shot = (name, clip) => page.screenshot({ path: path.join(shots, name), clip });

/** A screenshot of the editor and the panel below it (what the README shows). */
async function editorShot(name) {
  const box = await page.evaluate(() => {
    const r = [document.querySelector('.part.editor'), document.querySelector('.part.panel')]
      .filter((e) => e !== null && e.offsetParent !== null)
      .map((e) => e.getBoundingClientRect());
    const x = Math.min(...r.map((b) => b.left));
    const y = Math.min(...r.map((b) => b.top));
    return { x, y, width: Math.max(...r.map((b) => b.right)) - x, height: Math.max(...r.map((b) => b.bottom)) - y };
  });
  await shot(name, box);
}

/** The text of the visible editor (Monaco renders spaces as no-break spaces). */
const EDITOR_TEXT = "document.querySelector('.part.editor .monaco-editor .view-lines')?.textContent.replace(/\\u00a0/g, ' ') ?? ''";

/** Polls fn in the page until it returns a truthy value; returns that value. */
async function until(what, fn, arg) {
  try {
    const handle = await page.waitForFunction(fn, arg, { timeout: WAIT, polling: 250 });
    return handle.jsonValue();
  } catch (err) {
    await shot(`failed-${what.replace(/\W+/g, '-')}.png`).catch(() => undefined);
    throw new Error(`timed out waiting for ${what}: ${err.message}`);
  }
}

/** Polls a Node-side condition (files on disk, the server log). */
async function untilNode(what, fn) {
  const deadline = Date.now() + WAIT;
  for (;;) {
    const v = fn();
    if (v) {
      return v;
    }
    if (Date.now() > deadline) {
      await shot(`failed-${what.replace(/\W+/g, '-')}.png`).catch(() => undefined);
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Types into the open quick input and accepts the row whose label contains label. */
async function pickQuickInput(text, label) {
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(text);
  // Enter accepts the focused row: wait until the list has settled on the typed text.
  await until(`quick input row "${label}"`, (l) => document.querySelector('.quick-input-list .monaco-list-row.focused')?.textContent.includes(l), label);
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

async function runCommand(title) {
  await page.keyboard.press('F1');
  await pickQuickInput(`>${title}`, title);
}

async function openFile(rel) {
  await page.keyboard.press('Control+P');
  await pickQuickInput(rel, path.basename(rel));
  await until(`editor tab ${path.basename(rel)}`, (name) => {
    const tab = document.querySelector('.tabs-container .tab.active');
    return tab !== null && tab.textContent.includes(name);
  }, path.basename(rel));
  await page.locator('.part.editor .monaco-editor .view-lines').first().waitFor();
}

/** Puts the cursor at a 1-based line and column with Go to Line. */
async function goTo(line, column) {
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`:${line}:${column}`);
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

/** The 1-based line and column of the first occurrence of needle in a file (ASCII). */
function position(rel, needle, offset = 0) {
  const lines = read(rel).split('\n');
  for (let i = 0; i < lines.length; i++) {
    const c = lines[i].indexOf(needle);
    if (c >= 0) {
      return { line: i + 1, column: c + 1 + offset };
    }
  }
  throw new Error(`${needle} not in ${rel}`);
}

/**
 * Page-side source: the cloudwerk findings rendered in the Problems panel as
 * [file row text, marker row text] pairs. The tree's rows carry aria-level: 1 for a
 * file, 2 for its markers, 3 for related information.
 */
const PROBLEMS = `(() => {
  const out = [];
  let file = '';
  for (const r of document.querySelectorAll('.markers-panel .monaco-list-row')) {
    const level = r.getAttribute('aria-level');
    if (level === '1') {
      file = r.textContent;
    } else if (level === '2' && r.textContent.includes('cloudwerk')) {
      out.push([file, r.textContent]);
    }
  }
  return out;
})()`;

const hasProblemSrc = (code, file) =>
  `${PROBLEMS}.some(([f, m]) => m.includes(${JSON.stringify(code)}) && f.includes(${JSON.stringify(file ?? '')}))`;

/**
 * Shows only file's rows in the Problems panel (its filter box takes a glob), so the
 * rows looked for are rendered however many findings the example app has.
 */
async function filterProblems(file) {
  const input = page.locator('[placeholder^="Filter (e.g."]').first();
  const glob = file ? `**/${file}` : '';
  if ((await input.inputValue()) !== glob) {
    await input.fill(glob);
  }
}

async function untilProblem(code, file) {
  await filterProblems(file);
  return until(`Problems: ${code}${file ? ` on ${file}` : ''}`, hasProblemSrc(code, file));
}

async function untilNoProblem(code, file) {
  await filterProblems(file);
  return until(`Problems: ${code} gone${file ? ` from ${file}` : ''}`, `!(${hasProblemSrc(code, file)})`);
}

const serverStarts = () =>
  fs
    .readFileSync(serverLog, 'utf8')
    .split('\n')
    .filter((l) => / serve\b/.test(l));

test('the extension in a real VS Code', async (t) => {
  await t.test('the server starts from the path in the user settings alone', async () => {
    const starts = await untilNode('the server to start', () => serverStarts().length >= 1 && serverStarts());
    assert.equal(starts.length, 1, `one server started: ${starts.join('; ')}`);
  });

  await t.test('diagnostics in the Problems panel and squiggles on the object file', async () => {
    await openFile(objectFile);
    await runCommand('View: Focus Problems');
    // Maximized, the panel's virtual list renders every row.
    await runCommand('View: Toggle Maximized Panel');
    await untilProblem('KV_STORAGE', 'rate-limiter.ts');
    await untilProblem('MIGRATION_MISSING', 'rate-limiter.ts');
    await untilProblem('BINDING_MISSING', 'rate-limiter.ts');
    await runCommand('View: Toggle Maximized Panel');
    const s = await until('squiggles on rate-limiter.ts', () => {
      const e = document.querySelectorAll('.part.editor .monaco-editor .squiggly-error').length;
      const w = document.querySelectorAll('.part.editor .monaco-editor .squiggly-warning').length;
      return e > 0 && w > 0 && { e, w };
    });
    assert.ok(s.e > 0 && s.w > 0);
  });

  await t.test('the cross-file findings land on wrangler.toml too, with squiggles', async () => {
    await openFile('wrangler.toml');
    // Maximized, the virtual list renders every row.
    await runCommand('View: Toggle Maximized Panel');
    await untilProblem('BINDING_MISSING', 'wrangler.toml');
    await untilProblem('MIGRATION_MISSING', 'wrangler.toml');
    await filterProblems('rate-limiter.ts');
    await runCommand('View: Toggle Maximized Panel');
    const s = await until('squiggles on wrangler.toml', () => document.querySelectorAll('.part.editor .monaco-editor .squiggly-error').length);
    assert.ok(s > 0);
  });

  await t.test('the code lens above the definition', async () => {
    await openFile(objectFile);
    const lens = await until('the code lens', () =>
      [...document.querySelectorAll('.part.editor .monaco-editor .codelens-decoration')].map((e) => e.textContent).find((x) => x.includes('RATE_LIMITER')),
    );
    assert.match(lens, /RATE_LIMITER · KV · 2 methods · not migrated/);
  });

  await t.test('a quick fix with Ctrl+. changes the file on disk', async () => {
    const at = position(objectFile, 'defineDurableObject<');
    const menuHasFix = () =>
      [...document.querySelectorAll('.action-widget .monaco-list-row')].some((r) => r.textContent.includes('sqlite: true'));
    // Ctrl+. asks for the actions once: pressed while the workbench is still
    // settling (the panel toggles above move focus), it can show an empty menu
    // that never updates. Ask again, as a user would, before giving up.
    for (let attempt = 1; ; attempt++) {
      await goTo(at.line, at.column + 2);
      await page.keyboard.press('Control+.');
      const shown = await page.waitForFunction(menuHasFix, undefined, { timeout: 20_000, polling: 250 }).then(() => true, () => false);
      if (shown) {
        break;
      }
      if (attempt === 4) {
        await until('the quick fix menu', menuHasFix);
      }
      await page.keyboard.press('Escape');
    }
    await editorShot('quick-fix.png');
    const row = page.locator('.action-widget .monaco-list-row', { hasText: 'sqlite: true' }).first();
    await row.click();
    await until('the edit in the editor', `(${EDITOR_TEXT}).includes('sqlite: true')`);
    await page.keyboard.press('Control+S');
    await untilNode('sqlite: true on disk', () => read(objectFile).includes('sqlite: true'));
    assert.equal(read(objectFile).split('sqlite: true').length - 1, 1);
    // The KV_STORAGE finding goes away from the Problems panel.
    await untilNoProblem('KV_STORAGE', 'rate-limiter.ts');
  });

  await t.test('hover on durableObjects.Counter in a route', async () => {
    await openFile(routeFile);
    const at = position(routeFile, 'durableObjects.Counter', 'durableObjects.'.length + 2);
    await goTo(at.line, at.column);
    let text = '';
    // The TypeScript server adds its part to the same hover once it has loaded.
    for (let i = 0; ; i++) {
      await runCommand('Show or Focus Hover');
      text = await until('the hover', () => {
        const h = [...document.querySelectorAll('.monaco-hover')].find((e) => e.offsetParent !== null && e.textContent.includes('COUNTER'));
        return h?.textContent;
      });
      if (!text.includes('loading...') || i === 3) {
        break;
      }
      await page.keyboard.press('Escape');
      await new Promise((r) => setTimeout(r, 2000));
    }
    assert.match(text, /Counter/);
    assert.match(text, /COUNTER/);
    await editorShot('hover.png');
    await page.keyboard.press('Escape');
  });

  await t.test('the generate command from the palette writes the generated files', async () => {
    await openFile(objectFile);
    await runCommand('Cloudwerk: Generate Types, Classes and Wrangler Config');
    const toml = await untilNode('wrangler.toml to gain a v2 migration', () => {
      const s = read('wrangler.toml');
      return s.includes('"RATE_LIMITER"') && s.includes('tag = "v2"') && s;
    });
    assert.match(toml, /new_sqlite_classes = \["Counter"\]/); // the applied v1 entry is kept
    await untilNode('the types file', () => fs.existsSync(path.join(app, '.cloudwerk/types/durable-objects.d.ts')));
    assert.match(fs.readFileSync(path.join(app, '.cloudwerk/types/durable-objects.d.ts'), 'utf8'), /RateLimiter/);
    assert.ok(fs.existsSync(path.join(app, '.cloudwerk/generated/objects/RateLimiter.ts')));
    // Migration findings clear, and the lens follows wrangler.toml (workspace/codeLens/refresh).
    await untilNoProblem('MIGRATION_MISSING', 'rate-limiter.ts');
    const lens = await until('the code lens to say migrated v2', () =>
      [...document.querySelectorAll('.part.editor .monaco-editor .codelens-decoration')].map((e) => e.textContent).find((x) => x.includes('RATE_LIMITER · SQLite') && x.includes('migrated v2')),
    );
    assert.ok(lens);
  });

  await t.test('Restart Language Server from the palette starts a new server', async () => {
    const before = serverStarts();
    const oldPid = Number(before[before.length - 1].split(' ')[0]);
    await runCommand('Cloudwerk: Restart Language Server');
    const starts = await untilNode('a second server start', () => serverStarts().length > before.length && serverStarts());
    assert.equal(starts.length, before.length + 1);
    await untilNode('the old server to exit', () => !fs.existsSync(`/proc/${oldPid}`));
    // The new server answers: the object file's code lens comes back from it.
    await openFile(objectFile);
    const lens = await until('the code lens from the new server', () =>
      [...document.querySelectorAll('.part.editor .monaco-editor .codelens-decoration')].map((e) => e.textContent).find((x) => x.includes('RATE_LIMITER')),
    );
    assert.match(lens, /migrated v2/);
  });
});
