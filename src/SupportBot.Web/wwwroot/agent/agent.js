// The agent console: presence, the queue, one handoff at a time (its question log, the
// conversation before it, the live messages through /agent/api's long poll, the FAQ's suggested
// answers), accept, send, transfer back and end. Every call carries the page's antiforgery token.
(() => {
  'use strict';

  const root = document.getElementById('console');
  const headers = { 'Content-Type': 'application/json', [root.dataset.tokenHeader]: root.dataset.token };
  const me = document.getElementById('agent-name').textContent;
  const $ = id => document.getElementById(id);
  const queuePollMs = 3000;
  const typingEveryMs = 3000;
  let selected = null;      // the handoff shown
  let reading = null;       // the id whose long poll runs
  let lastTyping = 0;

  async function call(method, path, body) {
    const response = await fetch(`/agent/api/${path}`, { method, headers, body: body && JSON.stringify(body), credentials: 'same-origin' });
    const json = await response.json().catch(() => ({}));
    if (response.status === 401) {
      window.location.assign('/agent/signin');
    }

    if (!response.ok) {
      throw new Error(json.detail || json.title || `${method} ${path}: ${response.status}`);
    }

    return json;
  }

  function say(text) {
    $('console-message').textContent = text;
  }

  function item(text, className) {
    const li = document.createElement('li');
    if (className) {
      li.className = className;
    }

    li.textContent = text;
    return li;
  }

  async function loadPresence() {
    let presence = await call('GET', 'agents/me/presence');
    if (presence.status === 'offline') {
      // Opening the console is coming online; the page's polling keeps the agent online.
      presence = await call('PUT', 'agents/me/presence', { status: 'online' });
    }

    $('presence').value = presence.status;
  }

  function handoffEntry(handoff) {
    const li = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'handoff-link';
    button.dataset.id = handoff.id;
    const question = handoff.questions.length > 0 ? handoff.questions[handoff.questions.length - 1].text : 'no question';
    button.textContent = `${handoff.userName || 'A user'} (${handoff.channelId}): ${question}`;
    button.addEventListener('click', () => select(handoff));
    li.append(button);
    return li;
  }

  async function loadQueue() {
    const [waiting, active] = await Promise.all([call('GET', 'handoffs?status=waiting'), call('GET', 'handoffs?status=active')]);
    const mine = active.filter(h => h.agent === me);
    $('waiting').replaceChildren(...(waiting.length ? waiting.map(handoffEntry) : [item('Nobody is waiting.', 'hint')]));
    $('active').replaceChildren(...(mine.length ? mine.map(handoffEntry) : [item('None.', 'hint')]));
    if (selected) {
      const now = [...waiting, ...active].find(h => h.id === selected.id);
      if (now && now.status !== selected.status) {
        show(now);
      } else if (!now && selected.status !== 'ended') {
        show({ ...selected, status: 'ended', agent: selected.agent });
      }
    }
  }

  function show(handoff) {
    selected = handoff;
    const mine = handoff.status === 'active' && handoff.agent === me;
    $('handoff').hidden = false;
    $('handoff').dataset.status = handoff.status;
    $('handoff-title').textContent = `${handoff.userName || 'A user'} · ${handoff.status}${handoff.agent ? ` · ${handoff.agent}` : ''}`;
    $('accept').hidden = handoff.status !== 'waiting';
    $('transfer').hidden = !mine;
    $('end').hidden = !mine;
    $('reply').hidden = !mine;
    if (mine && reading !== handoff.id) {
      readLive(handoff.id);
    }
  }

  async function select(handoff) {
    reading = null;
    $('live').replaceChildren();
    show(handoff);
    const [history, suggestions] = await Promise.all([call('GET', `handoffs/${handoff.id}/conversation`), call('GET', `handoffs/${handoff.id}/suggestions`)]);
    const lines = history.length ? history : handoff.questions.map(q => ({ role: 'user', text: q.text }));
    $('history').replaceChildren(...lines.map(l => item(l.text, `message ${l.role}`)));
    showSuggestions(suggestions);
    if (handoff.status !== 'waiting' && reading !== handoff.id) {
      readLive(handoff.id);
    }
  }

  function showSuggestions(suggestions) {
    $('suggestions-for').textContent = suggestions.for ? `For: ${suggestions.for}` : 'The user has not asked anything yet.';
    $('suggestions').replaceChildren(...suggestions.answers.map(answer => {
      const li = item('', 'suggestion');
      const title = document.createElement('strong');
      title.textContent = answer.question;
      const text = document.createElement('p');
      text.textContent = answer.answer;
      const use = document.createElement('button');
      use.type = 'button';
      use.className = 'use-suggestion';
      use.textContent = 'Use';
      use.addEventListener('click', () => { $('reply-text').value = answer.answer; $('reply-text').focus(); });
      const send = document.createElement('button');
      send.type = 'button';
      send.className = 'send-suggestion';
      send.textContent = 'Send';
      send.hidden = $('reply').hidden;
      send.addEventListener('click', () => sendText(answer.answer));
      li.append(title, text, use, send);
      return li;
    }));
  }

  function isUser(activity) {
    const from = activity.from || {};
    return from.role === 'user' || (!from.role && !(from.id || '').startsWith('agent:'));
  }

  // The long poll: each answer comes as soon as an activity is stored, then the next one starts.
  async function readLive(id) {
    reading = id;
    let watermark = '0';
    while (reading === id) {
      let page;
      try {
        page = await call('GET', `handoffs/${id}/activities?watermark=${watermark}&wait=20`);
      } catch (error) {
        say(error.message);
        await new Promise(resolve => setTimeout(resolve, queuePollMs));
        continue;
      }

      if (reading !== id) {
        return;
      }

      watermark = page.watermark;
      let userSpoke = false;
      for (const activity of page.activities) {
        if (activity.type === 'typing') {
          $('typing').hidden = !isUser(activity);
        } else if (activity.type === 'message' && activity.text) {
          const user = isUser(activity);
          userSpoke ||= user;
          $('typing').hidden = true;
          $('live').append(item(activity.text, `message ${user ? 'user' : 'agent'}`));
        }
      }

      if (userSpoke) {
        showSuggestions(await call('GET', `handoffs/${id}/suggestions`));
      }

      if (page.status === 'ended') {
        if (selected && selected.id === id) {
          show({ ...selected, status: 'ended' });
        }

        reading = null;
      }
    }
  }

  async function sendText(text) {
    if (!selected || !text.trim()) {
      return;
    }

    try {
      await call('POST', `handoffs/${selected.id}/activities`, { type: 'message', text });
      $('reply-text').value = '';
      say('');
    } catch (error) {
      say(error.message);
    }
  }

  async function end(reason) {
    try {
      show(await call('POST', `handoffs/${selected.id}/end`, { reason }));
      say(reason === 'transferred' ? 'Given back to the bot.' : 'Ended.');
      await loadQueue();
    } catch (error) {
      say(error.message);
    }
  }

  $('accept').addEventListener('click', async () => {
    try {
      const accepted = await call('POST', `handoffs/${selected.id}/accept`);
      say('');
      show(accepted);
      await loadQueue();
    } catch (error) {
      say(error.message);
      await loadQueue();
    }
  });
  $('transfer').addEventListener('click', () => end('transferred'));
  $('end').addEventListener('click', () => end('completed'));
  $('reply').addEventListener('submit', event => {
    event.preventDefault();
    sendText($('reply-text').value);
  });
  $('reply-text').addEventListener('input', () => {
    if (selected && Date.now() - lastTyping > typingEveryMs) {
      lastTyping = Date.now();
      call('POST', `handoffs/${selected.id}/activities`, { type: 'typing' }).catch(() => {});
    }
  });
  $('presence').addEventListener('change', async () => {
    try {
      await call('PUT', 'agents/me/presence', { status: $('presence').value });
    } catch (error) {
      say(error.message);
    }
  });

  // Leaving: offline at once (a beacon carries no headers, so the token goes as a form field).
  window.addEventListener('pagehide', () => {
    const form = new FormData();
    form.append(root.dataset.tokenField, root.dataset.token);
    navigator.sendBeacon('/agent/api/agents/me/offline', form);
  });

  async function poll() {
    try {
      await loadQueue();
    } catch (error) {
      say(error.message);
    }

    setTimeout(poll, queuePollMs);
  }

  loadPresence().catch(error => say(error.message)).then(poll);
})();
