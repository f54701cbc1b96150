// End-to-end scenarios in Debian's headless Chromium, driven by playwright-core.
//
//   node scenarios.mjs SCENARIO BASE_URL ARTIFACT_DIR [ARGUMENT]
//
// pytest (tests/browser/test_browser.py) starts regkg and runs one scenario per test. Each
// scenario prints one JSON line: what it saw (`seen`), every request the page tried to
// send off the server (`external`, all blocked), page errors and console errors, and the
// screenshots it saved. It waits for what a person would wait for, and exits 1 with the
// error (and a screenshot of the failure) when something never appears.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const [scenario, base, artifacts, argument] = process.argv.slice(2);
const CHROMIUM = process.env.REGKG_CHROMIUM || '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const TIMEOUT = 20000;
// REGKG_VIEWPORT=390x844 runs a scenario at a phone's width.
const [WIDTH, HEIGHT] = (process.env.REGKG_VIEWPORT || '1280x900').split('x').map(Number);
const SERVER = new URL(base).host;

function resultText(page) {
  // The answer pane is a CodeMirror 5 editor: read all of it, not only the lines drawn.
  return page.evaluate(() => document.querySelector('.result-window .CodeMirror').CodeMirror.getValue());
}

function queryText(page) {
  return page.evaluate(() => document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.getValue());
}

async function openQuestion(page, id, expected) {
  await page.goto(`${base}/graphql`);
  await page.locator(`[data-question="${id}"]`).click();
  await page.locator('.result-window').getByText(expected).first().waitFor();
  return JSON.parse(await resultText(page));
}

// Where the page's main boxes sit, for the phone-width checks.
function layoutOf(page, selectors) {
  return page.evaluate((wanted) => {
    const box = (selector) => {
      const element = document.querySelector(selector);
      if (!element) return null;
      const r = element.getBoundingClientRect();
      return { top: r.top, bottom: r.bottom, left: r.left, right: r.right, width: r.width, height: r.height };
    };
    const out = { viewport: { width: window.innerWidth, height: window.innerHeight }, scrollWidth: document.documentElement.scrollWidth };
    for (const [name, selector] of Object.entries(wanted)) out[name] = box(selector);
    return out;
  }, selectors);
}

const SCENARIOS = {
  // A phone (390 px): a shared link answers at once, and the answer and its download
  // buttons are on screen below the editor; the bar covers nothing.
  async 'phone-graphiql'(page, shot) {
    await page.goto(`${base}/graphql?${new URLSearchParams({ query: argument })}`);
    await page.locator('.result-window').getByText('NOT_APPROVED').first().waitFor();
    await page.locator('[data-export="csv"]').waitFor();
    await shot('phone-graphiql');
    const layout = await layoutOf(page, {
      bar: '.regkg-bar',
      main: '#graphiql',
      editor: '.graphiql-query-editor',
      answer: '.graphiql-response',
      csv: '[data-export="csv"]',
      json: '[data-export="json"]',
    });
    const result = JSON.parse(await resultText(page));
    return { layout, result, headings: await page.locator('h1').allInnerTexts() };
  },

  // A phone: the graph spans the screen, the lists follow it, and a node opens by keyboard.
  async 'phone-explore'(page, shot) {
    await page.goto(`${base}/explore?id=substance:mdma`);
    await page.waitForFunction(() => window.regkgExplore && window.regkgExplore.ready);
    await shot('phone-explore');
    const layout = await layoutOf(page, { bar: '.regkg-bar', canvas: '#explore-graph', side: '.regkg-side', details: '#explore-details' });
    const nodes = await page.evaluate(() => window.regkgExplore.cy.nodes().length);
    await page.locator('#explore-nodes button[data-node="trial:NCT03537014"]').focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.getElementById('explore-details').dataset.entity === 'trial:NCT03537014');
    await page.locator('#explore-details').scrollIntoViewIfNeeded();
    await shot('phone-explore-details');
    return { layout, nodes, headings: await page.locator('h1').allInnerTexts() };
  },

  // A phone: the timeline's text keeps its size (the chart scrolls sideways in its own
  // box), the menus stay on screen, and the entries are one column.
  async 'phone-timeline'(page, shot) {
    await page.goto(`${base}/timeline?substance=MDMA`);
    await page.locator('body[data-loaded="true"]').waitFor();
    await shot('phone-timeline');
    const layout = await layoutOf(page, { bar: '.regkg-bar', title: '#timeline-title', chart: '#timeline-chart', form: '#timeline-form' });
    const seen = await page.evaluate(() => ({
      smallestText: Math.min(...[...document.querySelectorAll('#timeline-chart text')].map((t) => t.getBoundingClientRect().height)),
      selects: [...document.querySelectorAll('#timeline-form select')].map((s) => { const r = s.getBoundingClientRect(); return { left: r.left, right: r.right }; }),
      entryWidth: document.querySelector('.regkg-entry').getBoundingClientRect().width,
      chartScrolls: document.getElementById('timeline-chart').scrollWidth > document.getElementById('timeline-chart').clientWidth,
    }));
    return { layout, ...seen };
  },

  // A phone: the downloads page, its example with this server's own address.
  async 'phone-downloads'(page, shot) {
    await page.goto(`${base}/downloads`);
    await page.locator('#curl-example').waitFor();
    await shot('phone-downloads');
    return {
      curl: await page.locator('#curl-example').innerText(),
      files: await page.locator('.regkg-downloads a').evaluateAll((links) => links.map((a) => a.getAttribute('href'))),
      layout: await layoutOf(page, { bar: '.regkg-bar', main: 'main' }),
    };
  },

  // GraphiQL loads from regkg alone, with the explorer and the ready questions.
  async graphiql(page, shot) {
    await page.goto(`${base}/graphql`);
    await page.locator('.graphiql-container').waitFor();
    await page.locator('[data-question="status-now"]').waitFor();
    const questions = await page.locator('[data-question]').evaluateAll((links) => links.map((a) => a.dataset.question));
    await page.locator('button[aria-label="Show GraphiQL Explorer"]').click();
    const explorer = page.locator('.graphiql-explorer-root');
    await explorer.getByText('regulatoryStatus', { exact: true }).first().waitFor();
    const explorerText = await explorer.innerText();
    await shot('graphiql-explorer');
    await page.locator('button[aria-label="Show Ready questions"]').click();
    await page.locator('[data-question="status-now"]').waitFor();
    await shot('graphiql');
    return {
      title: await page.title(),
      questions,
      explorerFields: ['regulatoryStatus', 'trials', 'conflicts', 'timeline'].filter((f) => explorerText.includes(f)),
      version: await page.locator('#regkg-version').getAttribute('data-version'),
    };
  },

  // One click on a ready question opens it in a new tab, runs it, shows the answer and puts
  // it in the URL; the person's own work stays in its tab.
  async question(page, shot) {
    await page.goto(`${base}/graphql`);
    await page.locator('[data-question="status-now"]').waitFor();
    const welcome = await queryText(page);
    const tabsBefore = await page.locator('.graphiql-tab').count();
    await page.locator('[data-question="status-now"]').click();
    await page.locator('.result-window').getByText('NOT_APPROVED').first().waitFor();
    const result = JSON.parse(await resultText(page));
    await shot('question-status-now');
    const tabsAfter = await page.locator('.graphiql-tab').count();
    const url = page.url();
    const editor = await queryText(page);
    // Back to the first tab: the welcome query is still there.
    await page.locator('.graphiql-tab').first().locator('button.graphiql-tab-button').click();
    await page.waitForFunction((text) => document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.getValue() === text, welcome);
    return {
      result, url, editor, tabsBefore, tabsAfter,
      firstTab: await queryText(page),
      welcome,
      headings: await page.locator('h1').allInnerTexts(),
    };
  },

  // "Download CSV" under the answer saves the answer's rows as a file.
  async csv(page, shot) {
    const result = await openQuestion(page, 'breakthroughs', 'sponsorNameThen');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('[data-export="csv"]').click(),
    ]);
    const path = join(artifacts, download.suggestedFilename());
    await download.saveAs(path);
    const raw = readFileSync(path);
    await page.locator('.regkg-export-message').getByText('Saved').waitFor();
    await shot('csv-download');
    return {
      result,
      filename: download.suggestedFilename(),
      path,
      bom: raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf,
      csv: raw.toString('utf8'),
      message: await page.locator('.regkg-export-message').innerText(),
    };
  },

  // A link with ?query= opens that question; editing it keeps the URL in step.
  async link(page, shot) {
    const url = `${base}/graphql?${new URLSearchParams({ query: argument })}`;
    await page.goto(url);
    await page.locator('.graphiql-query-editor').getByText('StatusOnADate').first().waitFor();
    const opened = await queryText(page);
    // The answer is there without pressing Run.
    await page.locator('.result-window').getByText('INVESTIGATIONAL').first().waitFor();
    const answered = JSON.parse(await resultText(page));
    await shot('shared-link');
    // Type at the top of the query, as a person would.
    await page.locator('.graphiql-query-editor .CodeMirror-line').first().click({ position: { x: 4, y: 4 } });
    await page.waitForFunction(() => document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.hasFocus());
    await page.keyboard.press('Control+Home');
    await page.keyboard.type('# checked for the story\n');
    await page.waitForFunction(() => new URLSearchParams(location.search).get('query')?.startsWith('# checked for the story\n# What'));
    const edited = new URLSearchParams(new URL(page.url()).search).get('query');
    // The edited link opens the edited question.
    await page.goto(page.url());
    await page.locator('.graphiql-query-editor').getByText('checked for the story').first().waitFor();
    return { opened, answered, edited, reopened: await queryText(page) };
  },

  // The explore page draws a neighbourhood; clicking a node opens it and draws its own.
  async explore(page, shot) {
    await page.goto(`${base}/explore?id=substance:mdma`);
    await page.waitForFunction(() => window.regkgExplore && window.regkgExplore.ready);
    await page.locator('#details-title').getByText('MDMA', { exact: true }).waitFor();
    const before = await page.evaluate(() => {
      const { cy } = window.regkgExplore;
      return {
        nodes: cy.nodes().length,
        edges: cy.edges().length,
        kinds: [...new Set(cy.nodes().map((n) => n.data('kind')))].sort(),
        colours: [...new Set(cy.nodes().map((n) => n.style('background-color')))].length,
        sourceLinks: document.querySelectorAll('#explore-details a.regkg-source-link').length,
        legend: document.querySelectorAll('#explore-legend li').length,
      };
    });
    await shot('explore');
    // Click a node that nothing else covers, preferring the sponsor.
    const target = await page.evaluate((wanted) => {
      const { cy } = window.regkgExplore;
      const clear = (node) => cy.nodes().every((other) => other === node
        || Math.hypot(other.renderedPosition().x - node.renderedPosition().x,
          other.renderedPosition().y - node.renderedPosition().y) > 24);
      const candidates = [cy.getElementById(wanted), ...cy.nodes('[kind = "Organisation"], [kind = "Trial"]')]
        .filter((n) => n.nonempty() && !window.regkgExplore.expanded.has(n.id()) && clear(n));
      const node = candidates[0];
      const box = document.getElementById('explore-graph').getBoundingClientRect();
      return { id: node.id(), label: node.data('label'), x: box.left + node.renderedPosition().x, y: box.top + node.renderedPosition().y };
    }, 'organisation:lykos');
    await page.mouse.click(target.x, target.y);
    await page.waitForFunction((id) => document.getElementById('explore-details').dataset.entity === id
      && window.regkgExplore.expanded.has(id), target.id);
    await page.waitForFunction(() => /\d+ entities/.test(document.getElementById('explore-status').textContent));
    const after = await page.evaluate(() => ({
      nodes: window.regkgExplore.cy.nodes().length,
      title: document.getElementById('details-title').textContent,
      sourceLinks: document.querySelectorAll('#explore-details a.regkg-source-link').length,
      status: document.getElementById('explore-status').textContent,
    }));
    await shot('explore-expanded');
    // The keyboard reaches every node drawn: Tab to its button, Enter opens it.
    const trialButton = page.locator('#explore-nodes button[data-node="trial:NCT03537014"]');
    await page.goto(`${base}/explore?id=substance:mdma`);
    await page.waitForFunction(() => window.regkgExplore && window.regkgExplore.ready);
    await trialButton.focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.getElementById('explore-details').dataset.entity === 'trial:NCT03537014');
    const keyboard = await page.evaluate(() => ({
      entity: document.getElementById('explore-details').dataset.entity,
      notRecorded: [...document.querySelectorAll('#explore-details dd.regkg-not-recorded')].map((dd) => [dd.previousElementSibling.textContent, dd.textContent]),
      headings: [...document.querySelectorAll('h1')].map((h) => h.textContent),
    }));
    await shot('explore-keyboard');
    const exploreUrl = page.url();
    // "Ask in GraphiQL" opens GraphiQL with the answer already there.
    await page.locator('#explore-details a', { hasText: 'Ask in GraphiQL' }).click();
    await page.locator('.result-window').getByText('trial:NCT03537014').first().waitFor();
    const asked = JSON.parse(await resultText(page));
    await shot('explore-ask-in-graphiql');
    return { before, target, after, url: exploreUrl, keyboard, asked };
  },

  // The timeline draws MDMA's story in order, every entry with its sources.
  async timeline(page, shot) {
    await page.goto(`${base}/timeline?substance=MDMA`);
    await page.locator('body[data-loaded="true"]').waitFor();
    const seen = await page.evaluate(() => ({
      title: document.getElementById('timeline-title').textContent,
      lanes: [...document.querySelectorAll('#timeline-chart .lane-label')].map((t) => t.textContent),
      milestones: [...document.querySelectorAll('#timeline-chart .milestone')].map((t) => t.textContent),
      marks: document.querySelectorAll('#timeline-chart a[data-entry]').length,
      entries: [...document.querySelectorAll('#timeline-list li.regkg-entry')].map((li) => ({
        id: li.id,
        date: li.dataset.date,
        what: li.dataset.what,
        node: li.dataset.node,
        sources: [...li.querySelectorAll('a.regkg-source-link')].map((a) => a.href),
      })),
    }));
    await shot('timeline', { fullPage: false });
    await shot('timeline-full', { fullPage: true });
    const crl = seen.entries.find((e) => e.node === 'action:mdma-ptsd-crl');
    await page.locator(`#timeline-chart a[href="#${crl.id}"]`).click();
    await page.waitForFunction((id) => location.hash === `#${id}`, crl.id);
    const target = await page.evaluate(() => {
      const entry = document.querySelector('.regkg-entry:target');
      const box = entry.getBoundingClientRect();
      return { id: entry.id, text: entry.innerText, inView: box.top >= 0 && box.top < window.innerHeight };
    });
    await shot('timeline-crl');
    await page.goto(`${base}/timeline?substance=MDMA&condition=PTSD&jurisdiction=US`);
    await page.locator('body[data-loaded="true"]').waitFor();
    const lede = await page.locator('#timeline-summary').innerText();
    await shot('timeline-us');
    return { ...seen, target, lede };
  },
};

async function main() {
  const run = SCENARIOS[scenario];
  if (!run) throw new Error(`no scenario ${scenario}; there are ${Object.keys(SCENARIOS).join(', ')}`);
  const profile = mkdtempSync(join(tmpdir(), 'regkg-chromium-'));
  const report = { scenario, ok: false, external: [], pageErrors: [], consoleErrors: [], requests: 0, screenshots: [] };
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: WIDTH, height: HEIGHT },
    isMobile: WIDTH < 700,
    hasTouch: WIDTH < 700,
    acceptDownloads: true,
  });
  context.setDefaultTimeout(TIMEOUT);
  // Nothing may leave the server: every request elsewhere is recorded and refused.
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.host === SERVER) return route.continue();
    report.external.push(url.href);
    return route.abort('blockedbyclient');
  });
  context.on('request', (request) => {
    report.requests += 1;
    const url = new URL(request.url());
    if (!['data:', 'blob:'].includes(url.protocol) && url.host !== SERVER && !report.external.includes(url.href)) {
      report.external.push(url.href);
    }
  });
  const page = context.pages()[0] || (await context.newPage());
  page.on('pageerror', (error) => report.pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') report.consoleErrors.push(message.text());
  });
  const shot = async (name, options = {}) => {
    const path = join(artifacts, `${name}.png`);
    await page.screenshot({ path, ...options });
    report.screenshots.push(path);
  };
  try {
    report.seen = await run(page, shot);
    report.ok = true;
  } catch (error) {
    report.error = String(error && error.stack ? error.stack : error);
    try { await shot(`${scenario}-failure`); } catch { /* the page may be gone */ }
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
  writeFileSync(join(artifacts, `${scenario}.json`), JSON.stringify(report, null, 2));
  process.stdout.write(JSON.stringify(report) + '\n');
  process.exit(report.ok ? 0 : 1);
}

main().catch((error) => {
  process.stdout.write(JSON.stringify({ scenario, ok: false, error: String(error && error.stack ? error.stack : error) }) + '\n');
  process.exit(1);
});
