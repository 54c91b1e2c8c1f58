// The review page in Debian's chromium, driven by puppeteer-core: run by
// tests/integration/review_page_e2e_test.cc, which starts the services,
// passes what to click in the environment and checks GitLab, S3 and the
// audit afterwards. Exit 0 when every check here held; otherwise the first
// failure is printed and the exit code is 1.
//
//   ADMIN_URL      the admin listener
//   SIM_URL        the GitLab simulator (OAuth provider)
//   CONFIRM_ID     a review to confirm as spam by clicking
//   OVERTURN_ID    a review to mark not spam by clicking
//   SKIP_ID        a review to skip with the keyboard (j … x)
//   HOSTILE_ID     a review whose text is an attack on the page
//   REFUSED_ID     a review of a comment the inline check refused (GitLab never saved it)
//   CANDIDATE      a candidate model in the registry, to promote from the models panel
//   SCREENSHOT     where to save a screenshot of the queue
//   TEST_TOOLS     test-tools/, where npm installed puppeteer-core
import { createRequire } from 'node:module';

const puppeteer = createRequire(process.env.TEST_TOOLS + '/package.json')('puppeteer-core');

const env = process.env;
const checks = [];
function check(ok, what) {
  checks.push(what);
  if (!ok) throw new Error('check failed: ' + what);
}

async function signInAs(page, user) {
  const r = await fetch(env.SIM_URL + '/_sim/oauth', { method: 'POST', body: JSON.stringify({ user }) });
  check(r.ok, 'the simulator takes ' + user + ' as the next to sign in');
  await page.goto(env.ADMIN_URL + '/', { waitUntil: 'domcontentloaded' });
  await Promise.all([page.waitForNavigation({ waitUntil: 'domcontentloaded' }), page.click('#sign-in')]);
}

// Resolves once cond() holds or after ms, whichever is first; the check that
// follows says what was expected.
async function until(cond, ms) {
  for (const end = Date.now() + ms; !cond() && Date.now() < end;) await new Promise((r) => setTimeout(r, 50));
}

function card(id) { return `article.review[data-id="${id}"]`; }

async function stateOf(page, id) {
  return page.$eval(card(id) + ' .state', (e) => e.textContent);
}

async function main() {
  const browser = await puppeteer.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
           '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 1400 });
    const dialogs = [];
    // Click-throughs are dismissed; a promotion is confirmed.
    page.on('dialog', async (d) => {
      dialogs.push(d.message());
      if (d.message().startsWith('Promote model')) await d.accept(); else await d.dismiss();
    });
    const popups = [];
    browser.on('targetcreated', (t) => { if (t.type() === 'page') popups.push(t.url()); });

    // Someone who is neither an admin nor in a review group is refused.
    await signInAs(page, 'bob_k');
    const refused = await page.content();
    check(refused.includes('Not a reviewer'), 'a non-admin is refused');
    check(!(await page.$('#queue')), 'a refused user sees no queue');

    // An admin signs in and sees the queue.
    await signInAs(page, 'admin');
    await page.waitForSelector('body[data-loaded="true"]', { timeout: 15000 });
    check((await page.$$('article.review')).length > 0, 'the queue lists reviews');
    for (const id of [env.CONFIRM_ID, env.OVERTURN_ID, env.SKIP_ID, env.HOSTILE_ID]) {
      check(!!(await page.$(card(id))), 'review ' + id + ' is in the queue');
    }
    if (env.REFUSED_ID) {
      // Refused before saving: said so, and no "open in GitLab" for an item
      // that has no page there, only its project.
      const refused = await page.$eval(card(env.REFUSED_ID), (a) => ({
        mark: (a.querySelector('.refused') || {}).textContent || '',
        text: a.textContent,
      }));
      check(refused.mark === 'refused before saving (DISALLOW)', 'a refused comment is marked refused before saving');
      check(refused.text.includes('its project in GitLab') && !refused.text.includes('open in GitLab'),
            'a refused comment links its project, not a page of its own');
    }

    // Spam content is inert: nothing ran, no image or javascript: link exists,
    // and its text is shown as text.
    const inert = await page.evaluate((sel) => ({
      pwned: window.__pwned,
      images: document.querySelectorAll('#queue img').length,
      scripts: document.querySelectorAll('#queue script').length,
      jsLinks: Array.from(document.querySelectorAll('a')).filter((a) => /^\s*javascript:/i.test(a.getAttribute('href') || '')).length,
      text: document.querySelector(sel).textContent,
    }), card(env.HOSTILE_ID));
    check(inert.pwned === undefined, 'no script from spam ran (window.__pwned unset)');
    check(inert.images === 0 && inert.scripts === 0 && inert.jsLinks === 0, 'no <img>, <script> or javascript: link in the queue');
    check(inert.text.includes('<script>') && inert.text.includes('onerror'), 'the attack is shown as text');
    check(inert.text.includes('[U+202E]txt.exe') && !inert.text.includes('\u202E'),
          'a bidirectional override is shown as a mark, not obeyed');
    // A link in spam opens only after a confirmation that shows all of it.
    const link = await page.$(card(env.HOSTILE_ID) + ' .link');
    check(!!link, 'the URL in the spam is marked as a link');
    await link.click();
    // The dialog event comes from the browser process; on a loaded machine it
    // may take longer than a frame, so wait for it rather than a fixed time.
    await until(() => dialogs.length > 0, 5000);
    check(dialogs.length === 1 && dialogs[0].includes('https://cheap-seo.example.xyz/buy'), 'the click-through shows the full URL');
    // A popup would open only after the dismissal: give it the time to.
    await until(() => popups.length > 0, 500);
    check(popups.length === 0, 'a dismissed click-through opens nothing');

    // Why, in plain words first; the model's own reasons on request.
    const why = await page.$eval(card(env.HOSTILE_ID) + ' div.reasons', (e) => e.textContent);
    const raw = await page.$eval(card(env.HOSTILE_ID) + ' details.reasons', (e) => e.textContent);
    check(why.startsWith('Why: ') && /lean towards spam|links|account|e-mail/.test(why) && !why.includes('sig_'),
          'the reasons are in plain words: ' + why);
    check(raw.includes('as the model put it') && /signal sig_|feature |token '/.test(raw), 'the model\'s reasons stay at hand: ' + raw);

    const who = await page.$eval(card(env.HOSTILE_ID) + ' div.author', (e) => e.textContent);
    check(who.includes('written in English'), 'the card says what language the item is in: ' + who);

    // The author's other items and the campaign, on demand.
    await page.click(card(env.HOSTILE_ID) + ' .others button');
    await page.waitForSelector(card(env.HOSTILE_ID) + ' .campaign', { timeout: 10000 });
    const campaign = await page.$eval(card(env.HOSTILE_ID) + ' .campaign', (e) => e.textContent);
    check(campaign.includes('example.xyz') && campaign.includes('@seo_links_4u'), 'the campaign lists the other account: ' + campaign);

    // Confirm one spam item, and everything of its author: the purge plan
    // is shown first (the author's project no hook announced), then carried out.
    await page.click(card(env.CONFIRM_ID) + ' .scope-author');
    await page.waitForSelector(card(env.CONFIRM_ID) + ' .purge-summary', { timeout: 15000 });
    const plan = await page.$eval(card(env.CONFIRM_ID) + ' .purge-plan', (e) => e.textContent);
    check(plan.includes('project: 1 hide') && plan.includes('the author: blocked'), 'the purge plan is shown before answering: ' + plan);
    await page.click(card(env.CONFIRM_ID) + ' button[data-outcome="spam"]');
    await page.waitForFunction((sel) => document.querySelector(sel).textContent === 'confirmed_spam', { timeout: 10000 },
      card(env.CONFIRM_ID) + ' .state');
    await page.click(card(env.OVERTURN_ID) + ' button[data-outcome="ham"]');
    await page.waitForFunction((sel) => document.querySelector(sel).textContent === 'not_spam', { timeout: 10000 },
      card(env.OVERTURN_ID) + ' .state');

    // The keyboard: j moves to the next card, x skips it.
    const ids = await page.$$eval('article.review', (as) => as.map((a) => a.dataset.id));
    const steps = ids.indexOf(env.SKIP_ID) + 1;
    check(steps > 0, 'the review to skip is listed');
    await page.click('header h1');  // focus outside the form
    for (let i = 0; i < steps; i++) await page.keyboard.press('j');
    await page.keyboard.press('x');
    await page.waitForFunction((sel) => document.querySelector(sel).textContent === 'skipped', { timeout: 10000 },
      card(env.SKIP_ID) + ' .state');

    check((await stateOf(page, env.CONFIRM_ID)) === 'confirmed_spam', 'the confirmed review says so');

    // The models panel: the bundled model beside a candidate; an admin
    // promotes it, after a confirmation.
    await page.waitForSelector('#models:not([hidden])', { timeout: 10000 });
    const rows = await page.$$eval('#models tr', (rs) => rs.map((r) => r.textContent));
    check(rows.some((r) => r.includes(env.CANDIDATE) && r.includes('candidate') && r.includes('0.975')),
          'the models panel lists the candidate with its figures: ' + rows.join(' | '));
    check(rows.some((r) => r.includes('current')), 'the models panel lists the current model');
    await page.evaluate((v) => {
      Array.from(document.querySelectorAll('#models tr')).find((r) => r.textContent.includes(v)).querySelector('button').click();
    }, env.CANDIDATE);
    await page.waitForFunction(() => document.getElementById('status').textContent.includes('promoted'), { timeout: 10000 });
    check(dialogs.some((m) => m.startsWith('Promote model ' + env.CANDIDATE)), 'promoting asks first');
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: env.SCREENSHOT, fullPage: false });

    // After sign-out the API refuses the old session.
    await page.click('#sign-out');
    await page.waitForSelector('#sign-in', { timeout: 10000 });
    const after = await page.evaluate(() => fetch('/api/v1/reviews').then((r) => r.status));
    check(after === 401, 'signed out: the API answers 401');
    console.log(JSON.stringify({ ok: true, checks }));
  } finally {
    await browser.close();
  }
}

main().catch((e) => {
  console.log(JSON.stringify({ ok: false, error: String(e && e.stack || e), checks }));
  process.exit(1);
});
