// The real botframework-directlinejs client against two replicas behind nginx, with the replica
// holding its WebSocket killed mid-conversation. Not a *.test.mjs file, so `node --test` (the
// single-host DirectLineClientTests) leaves it out: ScaleOut/DirectLineJsScaleOutTests runs it with
// `node --test-reporter=tap scaleout.mjs` and SUPPORTBOT_URL set to nginx.
//
// Talking to the xunit side (only it can read the replicas' logs and kill one): this prints
// `scaleout: kill the stream holder of <conversationId>` and waits for `killed` on its stdin.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createInterface } from 'node:readline';
import WebSocket from 'ws';
import XMLHttpRequest from 'xhr2';

// Every WebSocket the client opens, by URL: its reconnect must open a new one from its watermark.
const opened = [];
globalThis.WebSocket = class RecordingWebSocket extends WebSocket {
  constructor(url, ...rest) {
    super(url, ...rest);
    opened.push(url);
  }
};
globalThis.XMLHttpRequest ??= XMLHttpRequest;
const { DirectLine, ConnectionStatus } = await import('botframework-directlinejs');

const nginx = process.env.SUPPORTBOT_URL;
const FEEDBACK_QUESTION = 'Did this answer your question?';
const PATIENCE_MS = 60_000;
const QUESTIONS = ['keyhash mismatch android', 'how do i change the app owner', 'kakao login redirect uri', 'I cannot log out.'];
const stdinLines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();

/** The number in an activity id, `conversation|0000012`: the store's gap-free watermark. */
const sequence = id => Number(id.split('|')[1]);

function watch(directLine) {
  const seen = [];
  const waiters = [];
  const subscription = directLine.activity$.subscribe(activity => {
    // directlinejs sets its watermark from each activity set before it emits the set's activities.
    seen.push({ activity, watermark: directLine.watermark });
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

    const timer = setTimeout(() => reject(new Error(`Timed out waiting for ${what}; saw ${JSON.stringify(seen.map(s => [s.activity.id, s.activity.type, s.activity.text]))}`)), PATIENCE_MS);
    waiters.push({ done, resolve: () => { clearTimeout(timer); resolve(); } });
  });

  return { seen, until, stop: () => subscription.unsubscribe() };
}

function post(directLine, userId, text) {
  return new Promise((resolve, reject) =>
    directLine.postActivity({ type: 'message', from: { id: userId }, text }).subscribe(resolve, reject));
}

const answered = id => seen => seen.some(s => s.activity.replyToId === id && s.activity.text === FEEDBACK_QUESTION);

async function activitiesThroughNginx(page) {
  const response = await fetch(`${page.domain}/conversations/${page.conversationId}/activities`, { headers: { Authorization: `Bearer ${page.token}` } });
  assert.equal(response.status, 200, await response.clone().text());
  return response.json();
}

/** Ids 1, 2, 3... with no gap or repeat, and watermarks that never go back. */
function assertGapFreeAndInOrder(seen, what) {
  const numbers = seen.map(s => sequence(s.activity.id));
  assert.deepEqual(numbers, numbers.map((_, i) => i + 1), `${what}: every activity once, in watermark order`);
  const watermarks = seen.map(s => Number(s.watermark));
  assert.deepEqual(watermarks, [...watermarks].sort((x, y) => x - y), `${what}: watermarks increase`);
  seen.forEach(s => assert.ok(Number(s.watermark) >= sequence(s.activity.id), `${what}: an activity's set carries its watermark`));
}

test('a conversation through nginx goes on after the replica holding its WebSocket is killed', async () => {
  assert.ok(nginx, 'Set SUPPORTBOT_URL to nginx in front of the replicas');
  const tokenResponse = await fetch(`${nginx}/api/webchat/token`, { method: 'POST' });
  assert.equal(tokenResponse.status, 200, await tokenResponse.clone().text());
  const page = await tokenResponse.json();
  assert.equal(page.domain, `${nginx}/v3/directline`, 'the page is told nginx as the Direct Line domain');

  // random: 0 pins directlinejs's reconnect delay to its shortest, 3 s (it draws 3 to 15 s).
  const directLine = new DirectLine({ token: page.token, domain: page.domain, webSocket: true, random: () => 0 });
  const statuses = [];
  const statusSubscription = directLine.connectionStatus$.subscribe(status => statuses.push(status));
  const activities = watch(directLine);
  try {
    await activities.until(seen => seen.some(s => s.activity.from.role === 'bot'), 'the welcome');
    const before = [];
    for (const text of QUESTIONS.slice(0, 3)) {
      const id = await post(directLine, page.userId, text);
      await activities.until(answered(id), `the answer to "${text}"`);
      before.push(id);
    }

    assert.ok(opened[0].startsWith(`${nginx.replace(/^http/, 'ws')}/v3/directline/conversations/`), `the stream goes through nginx: ${opened[0]}`);
    assertGapFreeAndInOrder(activities.seen, 'before the kill');
    for (const id of before) {
      const replies = activities.seen.filter(s => s.activity.replyToId === id);
      assert.ok(replies.length >= 2, `an answer and the feedback question to ${id}`);
      assert.ok(replies.every(r => sequence(r.activity.id) > sequence(id)), 'replies come after their question');
    }

    const polled = await activitiesThroughNginx(page);
    assert.deepEqual(activities.seen.map(s => s.activity.id), polled.activities.map(a => a.id), 'the stream saw what a GET through nginx returns');
    assert.equal(directLine.watermark, polled.watermark, 'the client is at the watermark a GET through nginx gives');
    const watermarkAtKill = directLine.watermark;
    const seenAtKill = activities.seen.length;

    console.log(`scaleout: kill the stream holder of ${page.conversationId}`);
    const reply = await stdinLines.next();
    assert.equal(reply.value, 'killed');

    // Posted while the client's socket is down: its replies are appended on the survivor.
    const last = QUESTIONS[3];
    const lastId = await post(directLine, page.userId, last);
    await activities.until(answered(lastId), `the answer to "${last}" after the kill`);

    assert.ok(opened.length >= 2, 'directlinejs opened a new WebSocket');
    const resumedAt = new URL(opened.at(-1)).searchParams.get('watermark');
    assert.equal(resumedAt, watermarkAtKill, 'the new streamUrl starts at the watermark the client had');
    assert.ok(opened.at(-1).startsWith(`${nginx.replace(/^http/, 'ws')}/`), 'the new stream goes through nginx too');
    assertGapFreeAndInOrder(activities.seen, 'across the kill');
    assert.equal(activities.seen[seenAtKill].activity.id, lastId, 'the first activity after the kill is the question posted then');
    const all = await activitiesThroughNginx(page);
    assert.deepEqual(activities.seen.map(s => s.activity.id), all.activities.map(a => a.id), 'nothing lost, nothing twice');
    assert.equal(directLine.watermark, all.watermark);
    assert.equal(directLine.connectionStatus$.getValue(), ConnectionStatus.Online);
    assert.ok(
      statuses.every(s => [ConnectionStatus.Uninitialized, ConnectionStatus.Connecting, ConnectionStatus.Online].includes(s)),
      `never failed, ended or expired: ${statuses.map(s => ConnectionStatus[s]).join(', ')}`);
    console.log(`scaleout: statuses ${statuses.map(s => ConnectionStatus[s]).join(' ')}; streams ${opened.length}; activities ${activities.seen.length}`);
  } finally {
    statusSubscription.unsubscribe();
    activities.stop();
    directLine.end();
    process.stdin.destroy();
  }
});
