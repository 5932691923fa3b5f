// The admin dashboard: renders /admin/api's numbers with Chart.js, lists the questions to review
// and sends assignments and retraining requests with the page's antiforgery token.
(() => {
  'use strict';

  const root = document.getElementById('dashboard');
  const headers = { 'Content-Type': 'application/json', [root.dataset.tokenHeader]: root.dataset.token };
  const charts = {};
  const outcomeNames = { answer: 'answered', clarify: 'clarified', fallback: 'fallback', 'small-talk': 'small talk', handoff: 'handoff' };
  const percent = rate => `${(rate * 100).toFixed(1)}%`;

  async function call(method, path, body) {
    const response = await fetch(`/admin/api/${path}`, { method, headers, body: body && JSON.stringify(body), credentials: 'same-origin' });
    const json = await response.json().catch(() => ({}));
    if (response.status === 401) {
      window.location.assign('/admin/signin');
    }

    if (!response.ok) {
      throw new Error(json.detail || json.title || `${method} ${path}: ${response.status}`);
    }

    return json;
  }

  // One chart per canvas, replaced when the data changes.
  function draw(id, config) {
    charts[id]?.destroy();
    charts[id] = new Chart(document.getElementById(id), { ...config, options: { maintainAspectRatio: false, animation: false, ...config.options } });
    document.getElementById(id).dataset.rendered = 'true';
  }

  async function loadStats() {
    const stats = await call('GET', `stats?days=${document.getElementById('days').value}`);
    const helpful = stats.feedback.helpfulRate === null ? 'no feedback yet' : `${percent(stats.feedback.helpfulRate)} helpful`;
    document.getElementById('totals').textContent =
      `${stats.conversations} conversations, ${stats.questions} questions, ${helpful}`;

    draw('per-day-chart', {
      type: 'line',
      data: {
        labels: stats.days.map(d => d.date),
        datasets: [
          { label: 'Conversations', data: stats.days.map(d => d.conversations) },
          { label: 'Questions', data: stats.days.map(d => d.questions) },
        ],
      },
      options: { plugins: { title: { display: true, text: 'Conversations and questions per day' } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
    });
    draw('outcomes-chart', {
      type: 'bar',
      data: {
        labels: stats.outcomes.map(o => outcomeNames[o.outcome] || o.outcome),
        datasets: [{ label: 'Share of questions', data: stats.outcomes.map(o => o.rate * 100) }],
      },
      options: { plugins: { title: { display: true, text: 'Answered, clarified, fallback, handoff (%)' } }, scales: { y: { beginAtZero: true, max: 100 } } },
    });
    const channelRows = stats.channels.map(c => {
      const row = document.createElement('tr');
      for (const text of [c.channel, c.questions, c.conversations, percent(c.share)]) {
        const cell = document.createElement('td');
        cell.textContent = text;
        row.append(cell);
      }

      return row;
    });
    document.querySelector('#channels tbody').replaceChildren(...channelRows);
    draw('feedback-chart', {
      type: 'doughnut',
      data: { labels: ['Helpful', 'Not helpful'], datasets: [{ data: [stats.feedback.helpful, stats.feedback.unhelpful] }] },
      options: { plugins: { title: { display: true, text: `"Did this answer your question?" (${helpful})` } } },
    });
    showHandoffs(stats.handoffs);
    draw('top-entries-chart', {
      type: 'bar',
      data: { labels: stats.topEntries.map(e => e.question), datasets: [{ label: 'Questions answered', data: stats.topEntries.map(e => e.count) }] },
      options: { indexAxis: 'y', plugins: { title: { display: true, text: 'Entries asked most' } }, scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } },
    });
  }

  const duration = seconds => seconds === null ? 'none yet'
    : seconds < 90 ? `${Math.round(seconds)} s` : `${(seconds / 60).toFixed(1)} min`;

  function showHandoffs(handoffs) {
    const satisfaction = handoffs.satisfaction === null ? 'no rating yet' : `satisfaction ${handoffs.satisfaction.toFixed(2)} / 5 (${handoffs.rated} rated)`;
    document.getElementById('handoff-totals').textContent =
      `${handoffs.total} handoffs, median wait ${duration(handoffs.medianWaitSeconds)}, median handling ${duration(handoffs.medianHandlingSeconds)}, ` +
      `${handoffs.abandoned} abandoned waits, ${satisfaction}`;
    draw('handoffs-chart', {
      type: 'bar',
      data: { labels: handoffs.days.map(d => d.date), datasets: [{ label: 'Handoffs', data: handoffs.days.map(d => d.handoffs) }] },
      options: { plugins: { title: { display: true, text: 'Live handoffs per day' } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
    });
  }

  // The review list comes a page of questions at a time (the API's pageSize at most 100); an
  // assignment takes questions off the list, so the page is read again after one.
  let reviewPage = 1;
  const pager = document.createElement('p');
  pager.id = 'review-pages';
  const previous = button('Previous', 'previous-page', () => { reviewPage -= 1; loadReview(); });
  const next = button('Next', 'next-page', () => { reviewPage += 1; loadReview(); });
  const pageText = document.createElement('span');
  pager.append(previous, ' ', pageText, ' ', next);
  document.getElementById('review-groups').after(pager);

  async function loadReview() {
    let review = await call('GET', `review?days=${document.getElementById('days').value}&page=${reviewPage}`);
    const pages = Math.max(1, Math.ceil(review.total / review.pageSize));
    if (reviewPage > pages) {
      reviewPage = pages;
      review = await call('GET', `review?days=${document.getElementById('days').value}&page=${reviewPage}`);
    }

    const list = document.getElementById('review-groups');
    list.replaceChildren(...review.groups.map(group => reviewItem(group, review.entries)));
    if (review.groups.length === 0) {
      const done = document.createElement('li');
      done.textContent = 'Nothing to review.';
      list.append(done);
    }

    pageText.textContent = `Page ${reviewPage} of ${pages} (${review.total} question(s) to review)`;
    previous.disabled = reviewPage <= 1;
    next.disabled = reviewPage >= pages;
  }

  function reviewItem(group, entries) {
    const item = document.createElement('li');
    item.className = 'review-group';
    const questions = document.createElement('ul');
    for (const question of group.questions) {
      const line = document.createElement('li');
      line.className = 'review-question';
      line.textContent = `${question.text} (${question.feedback === 'unhelpful' ? 'answer did not help' : question.outcome})`;
      questions.append(line);
    }

    const closest = document.createElement('p');
    closest.className = 'closest';
    closest.textContent = group.closest ? `Closest entry: ${group.closest.question}` : 'No close entry';

    const select = document.createElement('select');
    select.className = 'entry';
    for (const entry of entries) {
      select.append(new Option(entry.question, entry.id, false, entry.id === group.closest?.id));
    }

    const ids = group.questions.map(q => q.id);
    const assign = button('Assign', 'assign', () => assignAsync(ids, select.value));
    const outOfScope = button('Out of scope', 'out-of-scope', () => assignAsync(ids, 'out-of-scope'));
    item.append(questions, closest, select, ' ', assign, ' ', outOfScope);
    return item;
  }

  function button(text, className, onClick) {
    const element = document.createElement('button');
    element.type = 'button';
    element.className = className;
    element.textContent = text;
    element.addEventListener('click', onClick);
    return element;
  }

  async function assignAsync(questionIds, entryId) {
    const message = document.getElementById('review-message');
    try {
      const result = await call('POST', 'review', { questionIds, entryId });
      message.className = '';
      message.textContent = `Assigned ${result.questions} question(s) to ${result.entryId}; ${result.added.length} new in ${result.reviewFile}. Retrain to learn them.`;
      await loadReview();
    } catch (error) {
      message.className = 'error';
      message.textContent = error.message;
    }
  }

  function showRetrain(status) {
    const text = document.getElementById('retrain-status');
    const accuracy = status.accuracyBefore === null ? '' : ` Held-out accuracy: ${percent(status.accuracyBefore)} before` +
      (status.accuracyAfter === null ? '' : `, ${percent(status.accuracyAfter)} after.`);
    text.dataset.state = status.state;
    text.className = status.state === 'failed' ? 'error' : '';
    text.textContent = {
      idle: 'Not retrained since the host started.',
      running: `Retraining: ${status.step || ''}.${accuracy}`,
      succeeded: `Retrained on ${status.trainingUtterances} utterances; the new model is answering.${accuracy}`,
      failed: `Retraining failed: ${status.error}`,
    }[status.state] || status.state;
    document.getElementById('retrain').disabled = status.state === 'running';
  }

  // Behind a load balancer each status request may reach another replica, which knows only its own
  // runs: follow the run this page started (by its start time) until that replica says it ended,
  // and leave other replicas' answers unshown.
  let ourRun = null;
  let followUntil = 0;

  async function pollRetrain() {
    const status = await call('GET', 'retrain');
    const ours = ourRun !== null && status.startedAt === ourRun;
    if (ourRun === null || ours) {
      showRetrain(status);
    }
    const following = ourRun !== null && !ours && Date.now() < followUntil;
    if (status.state === 'running' || following) {
      setTimeout(pollRetrain, 1000);
    }
  }

  document.getElementById('retrain').addEventListener('click', async () => {
    try {
      const started = await call('POST', 'retrain');
      ourRun = started.startedAt;
      followUntil = Date.now() + 10 * 60 * 1000;
      showRetrain(started);
      setTimeout(pollRetrain, 1000);
    } catch (error) {
      document.getElementById('retrain-status').textContent = error.message;
    }
  });
  document.getElementById('days').addEventListener('change', () => {
    reviewPage = 1;
    return Promise.all([loadStats(), loadReview()]);
  });

  loadStats();
  loadReview();
  pollRetrain();
})();
