#include "admin/review_page.h"

namespace spamphibian::admin {

const std::string_view kSignInHtml = R"html(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Spamphibian review</title>
<link rel="stylesheet" href="/static/app.css"></head>
<body><main class="notice"><h1>Spamphibian review queue</h1>
<p>Reviewers are GitLab administrators and members of the review groups.</p>
<p><a id="sign-in" class="button" href="/login">Sign in with GitLab</a></p></main></body></html>
)html";

const std::string_view kReviewPageHtml = R"html(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Spamphibian review</title>
<link rel="stylesheet" href="/static/app.css"></head>
<body>
<header>
  <h1>Review queue</h1>
  <form id="filters">
    <label>State <select name="state">
      <option value="pending">pending</option><option value="confirmed_spam">confirmed spam</option>
      <option value="not_spam">not spam</option><option value="skipped">skipped</option><option value="all">all</option>
    </select></label>
    <label>Verdict <select name="verdict">
      <option value="flagged">spam or suspicious</option><option value="spam">spam</option>
      <option value="suspicious">suspicious</option><option value="ham">ordinary (missed spam?)</option>
      <option value="all">all</option>
    </select></label>
    <label>Type <select name="item_type">
      <option value="all">all</option><option>user</option><option>project</option><option>group</option>
      <option>issue</option><option>note</option><option>merge_request</option><option>wiki_page</option>
      <option>snippet</option>
    </select></label>
    <label>Score <input name="min_score" size="4" placeholder="0"> – <input name="max_score" size="4" placeholder="1"></label>
    <label><input type="checkbox" name="disagree" value="1"> candidate disagrees</label>
    <button type="submit">Show</button>
  </form>
  <span id="who"></span> <button id="sign-out" type="button">Sign out</button>
</header>
<section id="bulk">
  <label><input type="checkbox" id="select-all"> all</label>
  <button type="button" data-bulk="spam">Spam selected</button>
  <button type="button" data-bulk="ham">Not spam selected</button>
  <button type="button" data-bulk="skip">Skip selected</button>
  <span class="keys">Keys: j/k move · s spam · h not spam · x skip · space select</span>
</section>
<section id="models" hidden></section>
<p id="status" role="status"></p>
<main id="queue"></main>
<p><button id="more" type="button" hidden>More</button></p>
<script src="/static/app.js"></script>
</body></html>
)html";

const std::string_view kAppCss = R"css(
body { font: 14px/1.4 system-ui, sans-serif; margin: 0; color: #1d1d1f; background: #f6f6f8; }
header { display: flex; gap: 1em; align-items: center; padding: .5em 1em; background: #2b2d42; color: #fff; flex-wrap: wrap; }
header h1 { font-size: 1.2em; margin: 0 1em 0 0; }
header select, header input { font: inherit; }
#bulk, #status { padding: .3em 1em; }
.keys { color: #666; margin-left: 1em; }
.notice { max-width: 40em; margin: 3em auto; background: #fff; padding: 2em; border-radius: 6px; }
.button { background: #6b4fbb; color: #fff; padding: .5em 1em; border-radius: 4px; text-decoration: none; }
article.review { background: #fff; margin: .6em 1em; padding: .6em 1em; border-radius: 6px; border-left: 6px solid #999; }
article.review.spam { border-left-color: #d62828; }
article.review.suspicious { border-left-color: #f77f00; }
article.review.ham { border-left-color: #2a9d8f; }
article.review.current { outline: 3px solid #6b4fbb; }
.head { display: flex; gap: .8em; align-items: baseline; flex-wrap: wrap; }
.verdict { font-weight: bold; text-transform: uppercase; }
.state { color: #555; font-style: italic; }
.refused { color: #8a1c1c; font-weight: bold; }
.text { white-space: pre-wrap; word-break: break-word; background: #fafafa; border: 1px solid #eee; padding: .4em;
        max-height: 16em; overflow: auto; font-family: ui-monospace, monospace; font-size: 13px; }
.field { color: #888; font-size: 12px; }
mark { background: #ffe066; }
.link { color: #1d4ed8; text-decoration: underline dotted; cursor: pointer; }
.reasons, .actions, .others { font-size: 12px; color: #333; }
.controls button { margin-right: .4em; }
.shadow { font-size: 12px; color: #333; }
.shadow.disagree { color: #8a2be2; font-weight: bold; }
#models { margin: .6em 1em; padding: .5em 1em; background: #fff; border-radius: 6px; font-size: 13px; }
#models table { border-collapse: collapse; }
#models td, #models th { padding: .15em .6em; text-align: left; border-bottom: 1px solid #eee; }
button[data-outcome="spam"] { background: #d62828; color: #fff; border: 0; padding: .3em .8em; border-radius: 3px; }
button[data-outcome="ham"] { background: #2a9d8f; color: #fff; border: 0; padding: .3em .8em; border-radius: 3px; }
)css";

// Every value from the API is put in the page with textContent or as an
// attribute value set by the DOM, never parsed as HTML.
const std::string_view kAppJs = R"js('use strict';
(function () {
  var csrf = '', gitlabUrl = '', cursor = null, current = -1;
  var queue = document.getElementById('queue'), statusLine = document.getElementById('status');
  var more = document.getElementById('more');

  // Bidirectional controls (U+202A-U+202E, U+2066-U+2069) reorder what
  // follows them, so a link could read as another: shown as marks, never
  // obeyed, in every text of the page and in the link dialog.
  var bidi = /[\u202A-\u202E\u2066-\u2069]/g;
  function visible(text) {
    return String(text).replace(bidi, function (c) { return '[U+' + c.charCodeAt(0).toString(16).toUpperCase() + ']'; });
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = visible(text);
    return e;
  }
  function say(text) { statusLine.textContent = visible(text); }

  function api(method, path, body) {
    var opts = { method: method, headers: { 'Accept': 'application/json' }, credentials: 'same-origin' };
    if (method !== 'GET') {
      opts.headers['Content-Type'] = 'application/json';
      opts.headers['X-CSRF-Token'] = csrf;
      opts.body = JSON.stringify(body || {});
    }
    return fetch(path, opts).then(function (r) {
      return r.json().then(function (j) {
        if (!r.ok) throw new Error(j.error || ('HTTP ' + r.status));
        return j;
      });
    });
  }

  // An http(s) URL may be opened, after the reviewer saw it whole.
  function openAfterConfirm(url) {
    if (!/^https?:\/\//i.test(url)) { say('Not opened: ' + url); return; }
    if (window.confirm('Open this link from spam?\n\n' + url)) window.open(url, '_blank', 'noopener,noreferrer');
  }

  var urlPattern = /(?:https?|hxxps?):\/\/[^\s<>"'`]+|www\.[^\s<>"'`]+/gi;

  // The text with the words the model weighed marked and links inert.
  function renderText(container, text, words) {
    text = visible(text);
    var parts = [], last = 0, m;
    urlPattern.lastIndex = 0;
    while ((m = urlPattern.exec(text)) !== null) {
      if (m.index > last) parts.push({ t: text.slice(last, m.index) });
      parts.push({ t: m[0], url: true });
      last = m.index + m[0].length;
    }
    if (last < text.length) parts.push({ t: text.slice(last) });
    parts.forEach(function (p) {
      if (p.url) {
        var s = el('span', 'link', p.t);
        s.title = 'link (click to see it whole before opening)';
        s.addEventListener('click', function () { openAfterConfirm(p.t.replace(/^hxxp/i, 'http')); });
        container.appendChild(s);
        return;
      }
      markWords(container, p.t, words);
    });
  }
  function markWords(container, text, words) {
    if (!words.length) { container.appendChild(document.createTextNode(text)); return; }
    var lower = text.toLowerCase(), i = 0;
    while (i < text.length) {
      var best = -1, len = 0;
      words.forEach(function (w) {
        var k = lower.indexOf(w, i);
        if (k >= 0 && (best < 0 || k < best)) { best = k; len = w.length; }
      });
      if (best < 0) break;
      if (best > i) container.appendChild(document.createTextNode(text.slice(i, best)));
      container.appendChild(el('mark', '', text.slice(best, best + len)));
      i = best + len;
    }
    if (i < text.length) container.appendChild(document.createTextNode(text.slice(i)));
  }

  function weightedWords(reasons) {
    var out = [];
    (reasons || []).forEach(function (r) {
      var m = /^token '(.+)' \+/.exec(String(r));
      if (m && m[1].length > 2 && !/^sig_/.test(m[1])) out.push(m[1].toLowerCase());
    });
    return out;
  }

  function ageText(d) {
    var s = (d.signals || {}), days = s.account_age_days;
    if (typeof days !== 'number') return 'age unknown';
    return days < 1 ? 'account < 1 day old' : 'account ' + Math.round(days) + ' days old';
  }

  function safeGitLabLink(url, label) {
    // Only links into this GitLab are anchors; anything else is shown as text.
    if (typeof url === 'string' && gitlabUrl && url.indexOf(gitlabUrl + '/') === 0) {
      var a = el('a', '', label);
      a.href = url; a.target = '_blank'; a.rel = 'noopener noreferrer';
      return a;
    }
    return el('span', '', label + (url ? ' (' + url + ')' : ''));
  }

  function card(r) {
    var d = r.decision || {}, item = r.item || {}, author = item.author || {};
    var a = el('article', 'review ' + (d.verdict || ''));
    a.dataset.id = r.review_id;
    var head = el('div', 'head');
    var box = el('input'); box.type = 'checkbox'; box.className = 'select';
    head.appendChild(box);
    head.appendChild(el('span', 'verdict', d.verdict));
    head.appendChild(el('span', 'score', typeof d.score === 'number' ? 'score ' + d.score.toFixed(3) : ''));
    head.appendChild(el('span', 'type', item.type + ' ' + item.id));
    head.appendChild(el('span', 'state', r.state));
    // Refused by the inline check: GitLab never saved it, so there is no
    // page of its own to open, only its project's.
    var refused = d.inline && d.inline.refused;
    if (refused) head.appendChild(el('span', 'refused', 'refused before saving (' + d.inline.gitlab_verdict + ')'));
    head.appendChild(safeGitLabLink(item.web_url, refused ? 'its project in GitLab' : 'open in GitLab'));
    a.appendChild(head);
    var who = el('div', 'author');
    who.appendChild(el('span', '', '@' + (author.username || '?') + ' · ' + ageText(d) + ' · e-mail domain ' +
                                    (author.email_domain || '?') + ' · ' +
                                    (d.language_name ? 'written in ' + d.language_name + ' · ' : '')));
    who.appendChild(safeGitLabLink(author.admin_url, 'admin page'));
    a.appendChild(who);
    var words = weightedWords(d.reasons);
    (item.text || []).forEach(function (t) {
      a.appendChild(el('div', 'field', t.field));
      var box = el('div', 'text');
      renderText(box, String(t.value), words);
      a.appendChild(box);
    });
    var plain = Array.isArray(d.explanation) && d.explanation.length ? d.explanation : (d.reasons || []);
    a.appendChild(el('div', 'reasons', 'Why: ' + plain.join(' · ')));
    if (plain !== d.reasons && (d.reasons || []).length) {
      var more = el('details', 'reasons');
      more.appendChild(el('summary', '', 'as the model put it'));
      more.appendChild(el('div', '', (d.reasons || []).join(' · ')));
      a.appendChild(more);
    }
    if (d.shadow) {
      var flagged = function (v) { return v === 'spam' || v === 'suspicious'; };
      var differs = flagged(d.shadow.verdict) !== flagged(d.verdict);
      a.appendChild(el('div', 'shadow' + (differs ? ' disagree' : ''),
                       'Candidate model ' + d.shadow.model_version + ': ' + d.shadow.verdict + ' (score ' +
                       Number(d.shadow.score).toFixed(3) + ')' + (differs ? ' — disagrees' : '')));
    }
    if (d.campaign) {
      a.appendChild(el('div', 'reasons', 'Campaign: same text from ' + (d.campaign.text_accounts || 0) +
                                         ' other accounts, same link domain from ' + (d.campaign.domain_accounts || 0) +
                                         (d.campaign.signup_accounts ? ', signed up alike with ' + d.campaign.signup_accounts : '') +
                                         (d.campaign.author_items ? '; the same account\'s other items of this type lately: ' +
                                          d.campaign.author_items + ' (' + (d.campaign.author_repeats || 0) + ' nearly the same)' : '')));
    }
    var acts = (r.actions || []).map(function (x) {
      return x.action + ' ' + (x.status || x.state || '') + ' (' + x.action_id + ')' + (x.restored ? ', restored' : '');
    });
    a.appendChild(el('div', 'actions', 'Done automatically: ' + (acts.length ? acts.join(' · ') : 'nothing')));
    if ((r.answers || []).length) {
      a.appendChild(el('div', 'actions', 'Answers: ' + r.answers.map(function (x) {
        return x.outcome + ' by ' + x.reviewer + ' (' + x.via + ', ' + x.time + ')';
      }).join(' · ')));
    }
    var others = el('div', 'others');
    var show = el('button', '', 'Other items of this author and campaign'); show.type = 'button';
    show.addEventListener('click', function () {
      api('GET', '/api/v1/reviews/' + encodeURIComponent(r.review_id)).then(function (full) {
        others.textContent = '';
        var list = full.author_reviews || [], same = full.campaign_reviews || [];
        others.appendChild(el('div', '', 'This author: ' + (list.length ? list.map(function (o) {
          return o.item_type + ' ' + o.verdict + ' ' + o.state;
        }).join(' · ') : 'nothing else')));
        others.appendChild(el('div', 'campaign', 'Same link domain: ' + (same.length ? same.map(function (o) {
          return o.domain + ': ' + o.item_type + ' by @' + o.author + ' ' + o.verdict + ' ' + o.state;
        }).join(' · ') : 'nothing else')));
      }, function (e) { say(e.message); });
    });
    others.appendChild(show);
    a.appendChild(others);
    var controls = el('div', 'controls');
    [['spam', 'Spam'], ['ham', 'Not spam'], ['skip', 'Skip']].forEach(function (o) {
      var b = el('button', '', o[1]); b.type = 'button'; b.dataset.outcome = o[0];
      b.addEventListener('click', function () { answer(a, o[0]); });
      controls.appendChild(b);
    });
    var purge = el('label', '', ' and everything of this author ');
    var purgeBox = el('input'); purgeBox.type = 'checkbox'; purgeBox.className = 'scope-author';
    purge.prepend(purgeBox);
    var plan = el('div', 'purge-plan');
    // Shown before doing: what the purge will hide or delete, by type.
    purgeBox.addEventListener('change', function () {
      delete a.dataset.purgePlan;
      plan.textContent = '';
      if (!purgeBox.checked) return;
      plan.textContent = 'Finding everything of this author in GitLab…';
      api('GET', '/api/v1/reviews/' + encodeURIComponent(r.review_id) + '/purge-plan').then(function (p) {
        plan.textContent = '';
        var effects = { hide: 'hide', 'delete': 'delete', hidden_by_ban: 'hidden by the ban', kept: 'left as it is' };
        var lines = Object.keys(p.counts || {}).map(function (type) {
          return type + ': ' + Object.keys(p.counts[type]).map(function (e) {
            return p.counts[type][e] + ' ' + (effects[e] || e);
          }).join(', ');
        });
        plan.appendChild(el('div', 'purge-summary', 'Also, by this author: ' + (lines.length ? lines.join(' · ') : 'nothing else found') +
                                                   ' · the author: ' + (p.author_action === 'ban_user' ? 'banned' : 'blocked')));
        var list = el('ul', 'purge-items');
        (p.items || []).slice(0, 50).forEach(function (e) {
          list.appendChild(el('li', '', e.item.type + ' ' + e.item.id + (e.item.title ? ' “' + e.item.title + '”' : '') +
                                        ': ' + (effects[e.effect] || e.effect) + (e.why ? ' (' + e.why + ')' : '')));
        });
        plan.appendChild(list);
        if (p.state === 'partial') {
          plan.appendChild(el('div', 'purge-partial', 'Not complete: ' + p.stopped + '. Untick and tick again to continue.'));
          return;
        }
        if (p.state === 'truncated') plan.appendChild(el('div', 'purge-partial', p.stopped));
        a.dataset.purgePlan = p.purge_id;
      }, function (e) { plan.textContent = 'No purge plan: ' + e.message; });
    });
    var trust = el('label', '', ' trust this author ');
    var trustBox = el('input'); trustBox.type = 'checkbox'; trustBox.className = 'trust-author';
    trust.prepend(trustBox);
    controls.appendChild(purge); controls.appendChild(trust);
    a.appendChild(controls);
    a.appendChild(plan);
    return a;
  }

  function answer(article, outcome) {
    var body = { outcome: outcome };
    if (outcome === 'spam' && article.querySelector('.scope-author').checked) {
      // The plan shown is the plan carried out; none yet: wait for it.
      if (!article.dataset.purgePlan) { say('Wait for the purge plan (below the buttons) before answering.'); return Promise.resolve(); }
      body.scope = 'author';
      body.purge_plan = article.dataset.purgePlan;
    }
    if (outcome === 'ham' && article.querySelector('.trust-author').checked) body.trust_author = true;
    return api('POST', '/api/v1/reviews/' + encodeURIComponent(article.dataset.id), body).then(function (res) {
      article.querySelector('.state').textContent = res.state;
      article.classList.add('answered');
      say(article.dataset.id + ': ' + res.state + (res.applied ? '' : ' (already)'));
    }, function (e) { say('Not saved: ' + e.message); });
  }

  function query() {
    var f = document.getElementById('filters'), q = [];
    if (f.elements.disagree.checked) q.push('disagree=1');
    ['state', 'verdict', 'item_type', 'min_score', 'max_score'].forEach(function (n) {
      var v = f.elements[n].value;
      if (v) q.push(n + '=' + encodeURIComponent(v));
    });
    return q.join('&');
  }

  function load(append) {
    var path = '/api/v1/reviews?limit=50&' + query() + (append && cursor ? '&cursor=' + encodeURIComponent(cursor) : '');
    return api('GET', path).then(function (page) {
      if (!append) { queue.textContent = ''; current = -1; }
      page.reviews.forEach(function (r) { queue.appendChild(card(r)); });
      cursor = page.next_cursor;
      more.hidden = !cursor;
      say(queue.children.length ? queue.children.length + ' shown' : 'Nothing to review.');
    }, function (e) { say(e.message); });
  }

  function move(step) {
    var cards = queue.children;
    if (!cards.length) return;
    if (current >= 0 && cards[current]) cards[current].classList.remove('current');
    current = Math.max(0, Math.min(cards.length - 1, current + step));
    cards[current].classList.add('current');
    cards[current].scrollIntoView({ block: 'nearest' });
  }

  document.addEventListener('keydown', function (e) {
    if (e.target && /INPUT|SELECT|TEXTAREA/.test(e.target.tagName)) return;
    var c = queue.children[current];
    if (e.key === 'j') move(1);
    else if (e.key === 'k') move(-1);
    else if (c && e.key === 's') answer(c, 'spam').then(function () { move(1); });
    else if (c && e.key === 'h') answer(c, 'ham').then(function () { move(1); });
    else if (c && e.key === 'x') answer(c, 'skip').then(function () { move(1); });
    else if (c && e.key === ' ') { var b = c.querySelector('.select'); b.checked = !b.checked; e.preventDefault(); }
  });

  document.getElementById('filters').addEventListener('submit', function (e) { e.preventDefault(); load(false); });
  more.addEventListener('click', function () { load(true); });
  document.getElementById('select-all').addEventListener('change', function (e) {
    Array.prototype.forEach.call(queue.querySelectorAll('.select'), function (b) { b.checked = e.target.checked; });
  });
  Array.prototype.forEach.call(document.querySelectorAll('[data-bulk]'), function (b) {
    b.addEventListener('click', function () {
      var chosen = Array.prototype.filter.call(queue.children, function (a) { return a.querySelector('.select').checked; });
      chosen.reduce(function (p, a) { return p.then(function () { return answer(a, b.dataset.bulk); }); }, Promise.resolve())
        .then(function () { say(chosen.length + ' answered ' + b.dataset.bulk); });
    });
  });
  document.getElementById('sign-out').addEventListener('click', function () {
    api('POST', '/logout').then(function () { window.location.href = '/'; });
  });

  // The models panel: the current model beside any candidate, with the
  // figures that decide a promotion; admins may promote from here.
  function fixed(x) { return typeof x === 'number' ? x.toFixed(3) : '–'; }
  function loadModels(isAdmin) {
    var panel = document.getElementById('models');
    return api('GET', '/api/v1/models').then(function (res) {
      var models = res.models || [];
      var shown = models.filter(function (m) { return m.state === 'current' || m.state === 'shadow' || m.state === 'candidate'; });
      if (shown.length < 2) { panel.hidden = true; return; }
      panel.textContent = '';
      panel.appendChild(el('strong', '', 'Models'));
      var table = el('table'), head = el('tr');
      ['version', 'state', 'eval AUC', 'eval precision', 'eval recall', 'held-out flagged FP', 'live precision', 'judgement', '']
        .forEach(function (h) { head.appendChild(el('th', '', h)); });
      table.appendChild(head);
      shown.forEach(function (m) {
        var card = m.card || {}, ev = (card.eval_set || {}).candidate || card.validation || {}, held = (card.heldout_labels || {}).candidate || {};
        var live = m.live || {}, row = el('tr');
        [m.version, m.state, fixed(ev.roc_auc), fixed(ev.precision), fixed(ev.recall),
         held.flagged_false_positives === undefined ? '–' : String(held.flagged_false_positives),
         live.precision === undefined ? '–' : fixed(live.precision) + ' (' + (live.spam_confirmed + live.spam_rejected) + ')',
         (card.judgement || {}).reason || m.reason || ''].forEach(function (t) { row.appendChild(el('td', '', t)); });
        var cell = el('td');
        if (isAdmin && m.state !== 'current') {
          var b = el('button', '', 'Promote');
          b.type = 'button';
          b.addEventListener('click', function () {
            if (!window.confirm('Promote model ' + m.version + '? Every replica will score with it.')) return;
            api('POST', '/api/v1/models/' + encodeURIComponent(m.version) + '/promote', {}).then(function () {
              say('Model ' + m.version + ' promoted'); loadModels(isAdmin);
            }, function (e) { say('Not promoted: ' + e.message); });
          });
          cell.appendChild(b);
        }
        row.appendChild(cell);
        table.appendChild(row);
      });
      panel.appendChild(table);
      panel.hidden = false;
    }, function () { panel.hidden = true; });
  }

  api('GET', '/api/v1/session').then(function (s) {
    csrf = s.csrf_token; gitlabUrl = s.gitlab_url || '';
    document.getElementById('who').textContent = 'Signed in as @' + s.username;
    // The models panel sits above the queue: the page is loaded (and its
    // layout still) only once both are in, or a click aimed at a card could
    // land on whatever the panel pushed under it.
    return Promise.all([loadModels(!!s.is_admin), load(false)]).then(function () {
      document.body.dataset.loaded = 'true';
    });
  }, function () { window.location.href = '/login'; });
})();
)js";

}  // namespace spamphibian::admin
