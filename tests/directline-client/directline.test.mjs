// The real botframework-directlinejs client against SupportBot's own Direct Line 3.0.
// The host to test is named by SUPPORTBOT_URL (the xunit test DirectLineClientTests starts it).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import XMLHttpRequest from 'xhr2';

// directlinejs uses the browser's WebSocket and rxjs's ajax uses XMLHttpRequest; Node 20 has neither.
globalThis.WebSocket ??= WebSocket;
globalThis.XMLHttpRequest ??= XMLHttpRequest;
const { DirectLine, ConnectionStatus } = await import('botframework-directlinejs');

const host = process.env.SUPPORTBOT_URL;
const KEY_HASH_ANSWER = 'This error occurs when the key hash value';
const FEEDBACK_QUESTION = 'Did this answer your question?';
const PATIENCE_MS = 30_000;

before(() => assert.ok(host, 'Set SUPPORTBOT_URL to the host under test, e.g. http://127.0.0.1:3978'));

/** What the Web Chat page does first: a token from the host's own endpoint. */
async function pageToken() {
  const response = await fetch(`${host}/api/webchat/token`, { method: 'POST' });
  assert.equal(response.status, 200, await response.clone().text());
  return response.json();
}

/** Every activity the client sees, and a way to wait until a condition over them holds. */
function watch(directLine) {
  const seen = [];
  const waiters = [];
  const subscription = directLine.activity$.subscribe(activity => {
    seen.push(activity);
    for (const waiter of [...waiters]) {
      if (waiter.done(seen)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  });

  const until = (done, what) => new Promise((resolve, reject) => {
    if (done(seen)) {
      return resolve();
    }

    const timer = setTimeout(() => reject(new Error(`Timed out waiting for ${what}; saw ${JSON.stringify(seen.map(a => [a.id, a.type, a.text]))}`)), PATIENCE_MS);
    waiters.push({ done, resolve: () => { clearTimeout(timer); resolve(); } });
  });

  return { seen, until, stop: () => subscription.unsubscribe() };
}

function post(directLine, userId, text) {
  return new Promise((resolve, reject) =>
    directLine.postActivity({ type: 'message', from: { id: userId }, text }).subscribe(resolve, reject));
}

const answered = id => seen => seen.some(a => a.replyToId === id && a.from.role === 'bot' && a.text === FEEDBACK_QUESTION);

async function askAndAnswer(options) {
  const page = await pageToken();
  const directLine = new DirectLine({ token: page.token, domain: page.domain, ...options });
  const activities = watch(directLine);
  try {
    await activities.until(seen => seen.some(a => a.from.role === 'bot'), 'the welcome');
    const id = await post(directLine, page.userId, 'keyhash mismatch android');
    await activities.until(answered(id), 'the answer');

    const welcomes = activities.seen.filter(a => a.from.role === 'bot' && a.text?.startsWith("Hi, I'm SupportBot"));
    assert.equal(welcomes.length, 1, 'one welcome');
    const question = activities.seen.find(a => a.id === id);
    assert.equal(question.text, 'keyhash mismatch android', 'the client sees its own activity with the id it was given');
    assert.equal(question.from.id, page.userId);
    const answer = activities.seen.find(a => a.replyToId === id && a.text?.includes(KEY_HASH_ANSWER));
    assert.ok(answer, 'the FAQ answer');
    const feedback = activities.seen.find(a => a.replyToId === id && a.text === FEEDBACK_QUESTION);
    assert.deepEqual(feedback.suggestedActions.actions.slice(0, 2).map(a => a.title), ['Yes', 'No']);
    const positions = [question, answer, feedback].map(a => activities.seen.indexOf(a));
    assert.deepEqual(positions, [...positions].sort((x, y) => x - y), 'question, answer and feedback arrive in order');
    return { page, directLine, activities };
  } catch (error) {
    activities.stop();
    directLine.end();
    throw error;
  }
}

test('a question is answered over the WebSocket', async () => {
  const { directLine, activities } = await askAndAnswer({ webSocket: true });
  assert.equal(directLine.connectionStatus$.getValue(), ConnectionStatus.Online);
  activities.stop();
  directLine.end();
});

test('a question is answered by polling', async () => {
  const { directLine, activities } = await askAndAnswer({ webSocket: false, pollingInterval: 200 });
  activities.stop();
  directLine.end();
});

test('resuming with a conversation id and a watermark brings only the later activities', async () => {
  const { page, directLine, activities } = await askAndAnswer({ webSocket: true });
  const before = activities.seen.map(a => a.id);
  const watermark = before.at(-1).split('|')[1].replace(/^0+/, '');
  activities.stop();
  directLine.end();

  const resumed = new DirectLine({ token: page.token, domain: page.domain, conversationId: page.conversationId, watermark, webSocket: true });
  const later = watch(resumed);
  try {
    const id = await post(resumed, page.userId, 'how do i change the app owner');
    await later.until(answered(id), 'the answer after resuming');

    assert.ok(later.seen.length > 0);
    assert.deepEqual(later.seen.filter(a => before.includes(a.id)).map(a => a.id), [], 'nothing from before the watermark again');
    assert.equal(later.seen[0].id, id);
  } finally {
    later.stop();
    resumed.end();
  }
});
