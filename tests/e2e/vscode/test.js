// End-to-end test of the Specgate VS Code extension in the real VS Code
// workbench (code-server) driven by playwright-core in Debian's Chromium.
//   node test.js URL WORKSPACE ARTIFACTS_DIR
// Each check prints PASS or FAIL with the reason; the last line is
// "N passed, N failed"; the exit code is the verdict. Screenshots go to
// ARTIFACTS_DIR (quickfix.png is the one the README shows).
const path = require('path');
const fs = require('fs');
const { chromium } = require('playwright-core');

const [url, workspace, artifacts] = process.argv.slice(2);
if (!url || !workspace || !artifacts) {
  console.error('usage: node test.js URL WORKSPACE ARTIFACTS_DIR');
  process.exit(2);
}
const TIMEOUT = Number(process.env.SPECGATE_E2E_TIMEOUT_MS) || 30000;
const t0 = Date.now();
const log = (msg) => console.log(`[vscode-e2e ${((Date.now() - t0) / 1000).toFixed(2).padStart(6)}s] ${msg}`);
let passed = 0;
let failed = 0;
const failures = [];

/** Runs one named check; a throw is a FAIL with its message, later checks still run. */
async function check(name, fn) {
  try {
    // Close what an earlier step may have left open (quick input, hover, menu).
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');
    const detail = await fn();
    passed++;
    log(`PASS ${name}${detail ? ` — ${detail}` : ''}`);
    return true;
  } catch (e) {
    failed++;
    failures.push(name);
    log(`FAIL ${name} — ${(e && e.message ? e.message : String(e)).split('\n')[0]}`);
    await shot(`fail-${passed + failed}`).catch(() => {});
    return false;
  }
}

let page;
async function shot(name) {
  const file = path.join(artifacts, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** Polls `fn` until it returns a truthy value. */
async function until(what, fn, timeout = TIMEOUT) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e.message;
    }
    if (Date.now() > end) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    await page.waitForTimeout(200);
  }
}

/**
 * Opens a quick input (palette, Quick Open, Go to Line) with its shortcut
 * and types `text` into it. At times the widget closes again at once, or
 * never opens, because focus moved (after a hover, a peek or a fix, while
 * diagnostics refresh): as a user would, click into the active editor and
 * do it again.
 */
async function quickInput(shortcut, text) {
  const input = page.locator('.quick-input-widget input');
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press(shortcut);
    const typed = await input.waitFor({ state: 'visible', timeout: 3000 })
      .then(() => input.fill(text, { timeout: 3000 }))
      .then(() => true, () => false);
    if (typed) return input;
    if (attempt === 3) throw new Error(`${shortcut} opened no quick input to type ${text} in (3 tries)`);
    await page.keyboard.press('Escape');
    const editor = page.locator('.editor-group-container.active .monaco-editor .view-lines').first();
    if (await editor.count()) await editor.click({ position: { x: 5, y: 5 } }).catch(() => {});
    await page.waitForTimeout(500);
  }
}

async function palette(command) {
  await quickInput('Control+Shift+P', `>${command}`);
  await page.locator(`.quick-input-list .monaco-list-row:has-text("${command}")`).first().waitFor();
  await page.keyboard.press('Enter');
}

async function openFile(rel) {
  await quickInput('Control+P', rel);
  const base = path.basename(rel);
  await page.locator(`.quick-input-list .monaco-list-row[aria-label*="${base}"]`).first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator(`.tab.active[aria-label*="${base}"]`).waitFor();
  await page.waitForTimeout(300);
}

async function goToLine(line, col) {
  await quickInput('Control+G', `:${line}:${col}`);
  await page.keyboard.press('Enter');
  await page.waitForTimeout(300);
}

/** Rows of the Problems panel, as text (file rows and finding rows), read in one go. */
async function problems() {
  return page.$$eval('.markers-panel .monaco-list-row', (rows) =>
    rows.map((r) => `${r.innerText} ${r.getAttribute('aria-label') || ''}`.replace(/\s+/g, ' ').trim()));
}
const summary = (rows) => rows.map((r) => r.slice(0, 90)).join(' | ') || '(empty)';

/** 1-based line of the first occurrence of `text` in a workspace file. */
function lineOf(rel, text) {
  const lines = fs.readFileSync(path.join(workspace, rel), 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes(text));
  if (i < 0) throw new Error(`${text} not in ${rel}`);
  return { line: i + 1, col: lines[i].indexOf(text) + 1 };
}

(async () => {
  fs.mkdirSync(artifacts, { recursive: true });
  const profile = fs.mkdtempSync(path.join(artifacts, 'chromium-profile-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  page = ctx.pages()[0] || (await ctx.newPage());
  page.on('pageerror', (e) => log(`pageerror: ${e.message}`));
  try {
    await run();
  } catch (e) {
    failed++;
    log(`FAIL (aborted) — ${e.stack || e}`);
  } finally {
    await ctx.close().catch(() => {});
    fs.rmSync(profile, { recursive: true, force: true });
  }
  log(`${passed} passed, ${failed} failed`);
  if (failures.length) log(`failed: ${failures.join('; ')}`);
  process.exit(failed === 0 ? 0 : 1);
})();

async function run() {
  await page.goto(url);
  let ready = await check('the workbench loads', async () => {
    await page.locator('.monaco-workbench').waitFor({ timeout: 90000 });
    return `${Date.now() - t0} ms`;
  });
  if (!ready) return;

  ready = await check('the extension activates and the server runs (status bar "Specgate" ✓)', async () => {
    const item = page.locator('.statusbar-item:has-text("Specgate")');
    await item.first().waitFor({ timeout: TIMEOUT });
    await until('the server to run', async () =>
      (await page.locator('.statusbar-item:has-text("Specgate") .codicon-check').count()) > 0)
      .catch(async (e) => {
        throw new Error(`${e.message}; status: ${await item.first().getAttribute('aria-label')}`);
      });
    return `${Date.now() - t0} ms after start`;
  });
  if (!ready) {
    await palette('Specgate: Show Output').catch(() => {});
    await page.waitForTimeout(1000);
    await shot('server-failed');
    failed++;
    log('FAIL not run without a server: Problems panel, hover, definition, quick fixes, inventory, restart');
    return;
  }

  // Open the documents whose findings the test expects.
  await openFile('db/schema.sql');
  await openFile('api/openapi.yaml');
  await page.keyboard.press('Control+Shift+M');
  await page.locator('.markers-panel').waitFor();

  const expected = [
    ['openapi.yaml', 'missing-error-response'],
    ['openapi.yaml', 'untraced-operation'],
    ['openapi.yaml', 'unknown-requirement'],
    ['schema.sql', 'column-not-in-dictionary'],
  ];
  // Wait (once) until every expected finding is listed, then report each one.
  let rows = await until('findings ' + expected.map((e) => e[1]).join(', '), async () => {
    const r = await problems();
    return expected.every(([, code]) => r.some((x) => x.includes(code))) && r;
  }).catch(() => null);
  rows = rows || (await problems());
  await shot('problems');
  for (const [file, code] of expected) {
    await check(`the Problems panel lists ${code} (${file})`, async () => {
      const row = rows.find((x) => x.includes(code));
      if (!row) throw new Error(`not listed after ${TIMEOUT} ms; the panel shows: ${summary(rows)}`);
      return row.slice(0, 110);
    });
  }

  // VS Code offers pull diagnostics with refresh: the findings above came by
  // textDocument/diagnostic and workspace/diagnostic, as the server logs.
  await check('the findings arrive by pull diagnostics (document and workspace)', async () => {
    const logs = path.join(path.dirname(path.dirname(process.env.E2E_USER_SETTINGS || '.')), 'logs');
    const find = (dir) => (fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true }) : [])
      .flatMap((e) => (e.isDirectory() ? find(path.join(dir, e.name))
        : e.name.includes('Specgate') ? [path.join(dir, e.name)] : []));
    const text = await until('the server log to say "pull"', async () => {
      const t = find(logs).map((f) => fs.readFileSync(f, 'utf8')).join('\n');
      return t.includes('pull diagnostics)') && t.includes('the client pulls the diagnostics of every file') && t;
    });
    return text.split('\n').find((l) => l.includes('pull diagnostics)')).trim().slice(0, 110);
  });

  await check('hover on an FR-ID shows the requirement', async () => {
    const { line, col } = lineOf('api/openapi.yaml', 'FR-001');
    await page.locator('.tab[aria-label*="openapi.yaml"]').first().click();
    await goToLine(line, col + 2);
    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+I');
    const hover = page.locator('.monaco-hover:visible');
    await hover.first().waitFor({ timeout: TIMEOUT });
    const text = await until('hover text with "List patients"', async () => {
      const t = await hover.first().innerText();
      return t.includes('List patients') && t;
    }).catch(async (e) => {
      throw new Error(`${e.message}; hover shows: ${(await hover.first().innerText().catch(() => '')).slice(0, 120)}`);
    });
    await shot('hover');
    await page.keyboard.press('Escape');
    return text.replace(/\s+/g, ' ').slice(0, 80);
  });

  await check('Go to Definition (F12) on an FR-ID opens the PRD at its line', async () => {
    const { line, col } = lineOf('api/openapi.yaml', 'FR-001');
    await goToLine(line, col + 2);
    await page.keyboard.press('F12');
    await page.locator('.tab.active[aria-label*="prd.md"]').waitFor({ timeout: TIMEOUT });
    const want = lineOf('docs/prd.md', '| FR-001 |').line;
    const pos = await until(`the cursor on line ${want}`, async () => {
      const t = await page.locator('.statusbar-item[id="status.editor.selection"]').innerText();
      return t.includes(`Ln ${want},`) && t;
    });
    await page.locator('.tab[aria-label*="openapi.yaml"]').first().click();
    return `prd.md ${pos.trim()}`;
  });

  const quickfix = async (code, titleRe, screenshot, needBulb) => {
    await page.locator('.tab[aria-label*="openapi.yaml"]').first().click();
    // The finding's position, from the Problems panel row (".. [Ln 38, Col 7]").
    const row = (await problems()).find((r) => r.includes(code));
    if (!row) throw new Error(`no ${code} in the Problems panel: ${summary(await problems())}`);
    const m = row.match(/Ln (\d+), Col (\d+)/) || row.match(/(\d+):(\d+)/);
    if (!m) throw new Error(`no position in the Problems row "${row}"`);
    await goToLine(Number(m[1]), Number(m[2]));
    await page.locator('.monaco-editor .squiggly-error').first().waitFor({ timeout: 5000 })
      .catch(() => { throw new Error('no error squiggle in the editor'); });
    // The light bulb of the active editor (the Output panel and hidden
    // editors have light bulb elements of their own that never show).
    const bulb = page.locator('.editor-group-container.active .monaco-editor')
      .locator('.codicon-light-bulb, .codicon-lightbulb-autofix, .lightBulbWidget')
      .filter({ visible: true });
    const bulbShown = await bulb.first().waitFor({ state: 'visible', timeout: needBulb ? TIMEOUT : 10000 })
      .then(() => true, () => false);
    if (!bulbShown) await shot(`no-light-bulb-${code}`);
    if (!bulbShown && needBulb) {
      throw new Error(`no light bulb at ${code} (${m[1]}:${m[2]}): the server offers no code action for it`);
    }
    // Ctrl+. opens the code action menu; when it races a diagnostics refresh
    // VS Code says "No code actions available": press again (as a user would).
    const menu = page.locator('.action-widget:visible');
    for (let attempt = 1; ; attempt++) {
      await page.keyboard.press('Control+.');
      const shown = await menu.first().waitFor({ state: 'visible', timeout: 5000 }).then(() => true, () => false);
      if (shown) break;
      if (attempt === 3) throw new Error(`Ctrl+. at ${m[1]}:${m[2]} opened no code action menu (3 tries)`);
      await page.keyboard.press('Escape');
      await page.waitForTimeout(1000);
    }
    const items = page.locator('.action-widget:visible .monaco-list-row.action');
    await until('code action items', async () => (await items.count()) > 0);
    const titles = await items.allInnerTexts();
    const idx = titles.findIndex((t) => titleRe.test(t));
    if (idx < 0) {
      await page.keyboard.press('Escape');
      throw new Error(`no quick fix like ${titleRe} among: ${titles.join(' | ') || '(none)'}`);
    }
    // The menu opens with its first action focused: move to ours with the keyboard.
    for (let i = 0; i < idx; i++) await page.keyboard.press('ArrowDown');
    await page.waitForTimeout(400);
    if (screenshot) await shot(screenshot);
    const before = (await problems()).filter((r) => r.includes(code)).length;
    await page.keyboard.press('Enter');
    const start = Date.now();
    await until(`the ${code} finding to leave the Problems panel`, async () =>
      (await problems()).filter((r) => r.includes(code)).length < before);
    // Without a light bulb a user presses Ctrl+. anyway (the server answers
    // both triggers alike): that path is what the check then covers. After
    // the previous fix VS Code saves the file (files.refactoring.autoSave)
    // and at times sends no automatic codeAction request for seconds (the
    // LSP trace shows none), so the bulb is not required there.
    const via = bulbShown ? '' : ' (no light bulb in 10 s; offered on Ctrl+.)';
    return `applied "${titles[idx].trim()}"${via}, finding left after ${Date.now() - start} ms`;
  };

  await check('quick fix from the light bulb (Ctrl+.) for missing-error-response: "Add missing responses", finding leaves', async () =>
    quickfix('missing-error-response', /respons/i, 'quickfix', true));
  await shot('after-quickfix');

  await check('quick fix for untraced-operation: "Trace to FR-…", finding leaves', async () =>
    quickfix('untraced-operation', /FR-\d+/, null, false));

  await check('code action "Ignore unknown-requirement here" writes a specgate-ignore comment, finding leaves', async () => {
    const out = await quickfix('unknown-requirement', /^Ignore unknown-requirement here/, null, false);
    // Monaco renders spaces as no-break spaces.
    const text = (await page.locator('.editor-group-container.active .monaco-editor .view-lines').innerText())
      .replace(/\u00a0/g, ' ');
    if (!text.includes('specgate-ignore: unknown-requirement')) {
      throw new Error('the editor shows no specgate-ignore comment');
    }
    return out;
  });

  // Edits the user settings as a user does: Preferences: Open User Settings (JSON).
  const writeUserSettings = async (obj) => {
    await palette('Preferences: Open User Settings (JSON)');
    await page.locator('.tab.active[aria-label*="settings.json"]').waitFor({ timeout: TIMEOUT });
    await page.locator('.editor-group-container.active .monaco-editor .view-lines').click();
    await page.keyboard.press('Control+A');
    await page.keyboard.insertText(JSON.stringify(obj, null, 2));
    await page.keyboard.press('Control+S');
    await page.waitForTimeout(300);
    await page.keyboard.press('Control+W');
  };
  await check('setting specgate.rules {"column-not-in-dictionary": "off"} hides that rule, and back', async () => {
    const file = process.env.E2E_USER_SETTINGS;
    if (!file) throw new Error('E2E_USER_SETTINGS is not set');
    const original = JSON.parse(fs.readFileSync(file, 'utf8'));
    const count = async () => (await problems()).filter((r) => r.includes('column-not-in-dictionary')).length;
    if ((await count()) === 0) throw new Error('no column-not-in-dictionary finding to start from');
    await writeUserSettings({ ...original, 'specgate.rules': { 'column-not-in-dictionary': 'off' } });
    let start = Date.now();
    await until('column-not-in-dictionary to leave the Problems panel', async () => (await count()) === 0);
    const off = Date.now() - start;
    await writeUserSettings(original);
    start = Date.now();
    await until('column-not-in-dictionary to come back', async () => (await count()) > 0);
    return `off after ${off} ms, back after ${Date.now() - start} ms`;
  });

  await check('a code lens runs specgate.showReferences: the peek view shows its locations', async () => {
    await page.locator('.tab[aria-label*="openapi.yaml"]').first().click();
    await goToLine(1, 1);
    const lens = page.locator('.monaco-editor .codelens-decoration a:has-text("FR-001")').first();
    await lens.waitFor({ timeout: TIMEOUT }).catch(() => { throw new Error('no code lens naming FR-001 above GET /patients'); });
    const title = await lens.innerText();
    await lens.click();
    const peek = page.locator('.peekview-widget');
    await peek.first().waitFor({ state: 'visible', timeout: TIMEOUT })
      .catch(() => { throw new Error(`clicking the lens "${title}" opened no peek view`); });
    const head = (await peek.first().locator('.peekview-title').innerText().catch(() => '')).replace(/\s+/g, ' ');
    await shot('codelens-peek');
    await page.keyboard.press('Escape');
    if (!/prd\.md/.test(head)) throw new Error(`the peek view shows "${head}", not docs/prd.md`);
    return `"${title}" -> ${head}`;
  });

  await check('"Specgate: Show Endpoint Inventory" opens the inventory preview', async () => {
    await palette('Specgate: Show Endpoint Inventory');
    await page.locator('.tab.active[aria-label*="Endpoint Inventory"]').waitFor({ timeout: TIMEOUT })
      .catch(async () => {
        const toast = await page.locator('.notifications-toasts').innerText().catch(() => '');
        throw new Error(`no "Endpoint Inventory" tab${toast ? `; notification: ${toast.replace(/\s+/g, ' ')}` : ''}`);
      });
    // The preview is a webview (nested iframes): find the rendered table in one of its frames.
    const frame = await until('the preview to render the inventory (a frame with "/patients")', async () => {
      for (const f of page.frames()) {
        const body = await f.locator('body').innerText({ timeout: 500 }).catch(() => '');
        if (body.includes('/patients')) return f;
      }
      return null;
    });
    await shot('inventory');
    const text = await frame.locator('body').innerText();
    return `${(await page.locator('.tab.active').first().getAttribute('aria-label'))}: ${text.replace(/\s+/g, ' ').slice(0, 80)}`;
  });

  await check('"Specgate: Open Design Review" shows the review page', async () => {
    // The inventory preview (a webview) holds the keyboard focus, and keys
    // typed into it do not reach the workbench: back to a text editor.
    await page.locator('.tab[aria-label*="prd.md"]').first().click();
    await page.waitForTimeout(300);
    await palette('Specgate: Open Design Review');
    await page.locator('.tab[aria-label*="Design Review"]').first().waitFor({ timeout: TIMEOUT });
    const frame = await until('the review page to render (a frame with the gate checklist)', async () => {
      for (const f of page.frames()) {
        const body = await f.locator('body').innerText({ timeout: 500 }).catch(() => '');
        if (body.includes('Gate checklist') && body.includes('Endpoint inventory')) return f;
      }
      return null;
    });
    await shot('design-review');
    const gate = await frame.locator('.gate li').count();
    const rows = await frame.locator('#endpoint-table tbody tr').count();
    // Its script ran: the filter boxes it wires are shown.
    const filters = await frame.locator('input.filter:not([hidden])').count();
    if (gate < 7 || rows !== 4 || filters === 0) {
      throw new Error(`gate items ${gate}, endpoint rows ${rows}, filters shown ${filters}`);
    }
    await page.locator('.tab[aria-label*="prd.md"]').first().click();
    await page.waitForTimeout(300);
    return `${gate} gate items, ${rows} endpoints, ${filters} filters`;
  });

  await check('"Specgate: Restart Server" restarts it', async () => {
    await palette('Specgate: Restart Server');
    await page.waitForTimeout(500);
    await until('the server to run again', async () =>
      (await page.locator('.statusbar-item:has-text("Specgate") .codicon-check').count()) > 0);
  });
}
