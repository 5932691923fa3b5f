// The chat page: a Direct Line token from this host, then Bot Framework Web Chat, unchanged.
// The conversation is kept in sessionStorage, so a reload within the token's life resumes it.
(function () {
  'use strict';

  const storageKey = 'supportbot.conversation';
  const refreshMargin = 5 * 60 * 1000;
  const embedded = new URLSearchParams(window.location.search).has('embed');
  // The bot speaks Korean or English; a browser that prefers Korean gets Korean from the welcome on
  // (the conversation starts with this locale), and Web Chat's own labels in Korean too.
  const locale = /^ko\b/i.test((navigator.languages && navigator.languages[0]) || navigator.language || '') ? 'ko-KR' : 'en-US';
  const chat = document.getElementById('webchat');
  const error = document.getElementById('chat-error');
  const errorMessage = document.getElementById('chat-error-message');
  const retry = document.getElementById('chat-retry');
  // During a live handoff the bot relays a person's messages with channelData.agent = their name.
  const agentOf = activity => {
    const agent = activity && activity.channelData && activity.channelData.agent;
    return typeof agent === 'string' ? agent : '';
  };
  const agentLabel = locale === 'ko-KR' ? name => `${name} 상담원` : name => `Agent ${name}`;

  if (embedded) {
    document.body.classList.add('embedded');

    // Escape inside the panel closes it: keys pressed in a frame never reach the page around it.
    window.addEventListener('keydown', event => {
      if (event.key === 'Escape' && window.parent !== window) {
        window.parent.postMessage({ type: 'supportbot:close' }, '*');
      }
    });
  }

  // A failure the visitor can fix by waiting (the service is busy or restarting) offers a retry;
  // a server built without the widget cannot be fixed from the browser, so it offers none.
  function showError(message, canRetry) {
    errorMessage.textContent = message;
    retry.hidden = !canRetry;
    error.hidden = false;
    chat.hidden = true;
  }

  retry.addEventListener('click', () => {
    error.hidden = true;
    chat.hidden = false;
    start();
  });

  function savedConversation() {
    try {
      const saved = JSON.parse(window.sessionStorage.getItem(storageKey) || 'null');
      return saved && saved.expiresAt - Date.now() > refreshMargin ? saved : null;
    } catch {
      return null;
    }
  }

  function save(conversation) {
    try {
      window.sessionStorage.setItem(storageKey, JSON.stringify(conversation));
    } catch {
      // Private modes can refuse storage: the chat still works, a reload starts a new conversation.
    }
  }

  async function newConversation() {
    const response = await fetch('/api/webchat/token', { method: 'POST', credentials: 'same-origin' });
    if (!response.ok) {
      throw new Error(`the token service answered ${response.status}`);
    }

    const body = await response.json();
    return {
      token: body.token,
      conversationId: body.conversationId,
      domain: body.domain,
      userId: body.userId,
      expiresAt: Date.now() + body.expires_in * 1000,
    };
  }

  async function start() {
    if (!window.WebChat) {
      showError('The chat widget was not built into this server (Bot Framework Web Chat is copied from npm at build time). Install Node.js and npm, then run "dotnet build" again.', false);
      return;
    }

    const resumed = savedConversation();
    let conversation;
    try {
      conversation = resumed || await newConversation();
    } catch (e) {
      showError(`SupportBot is not available right now (${e.message}). Please try again in a minute.`, true);
      return;
    }

    save(conversation);
    const directLine = window.WebChat.createDirectLine({
      token: conversation.token,
      domain: conversation.domain,
      // Resuming reconnects to the same conversation, whose history the stream sends again.
      conversationId: resumed ? conversation.conversationId : undefined,
      conversationStartProperties: { locale },
    });

    // Web Chat refreshes the token itself; keep the newest one for the next reload.
    directLine.activity$.subscribe(() => {
      if (directLine.token && directLine.token !== conversation.token) {
        conversation.token = directLine.token;
        save(conversation);
      }
    });

    // A person's messages carry their name before the time, in the status line Web Chat already
    // has under each group of messages. Web Chat takes only a React element here and the bundle
    // does not expose React, so the label is a span shaped like the element Web Chat rendered
    // (copied from it, so it matches the bundle's React), holding the name and that element.
    const activityStatusMiddleware = () => next => args => {
      const agent = agentOf(args.activity);
      const status = next(agent ? { ...args, hideTimestamp: false } : args);
      if (!agent || !status || typeof status !== 'object') {
        return status;
      }

      return {
        ...status,
        type: 'span',
        key: null,
        ref: null,
        props: { className: 'chat-agent', children: [agentLabel(agent), ' · ', status] },
      };
    };

    // Web Chat groups a sender's messages by role, so the agent's would join the bot's (both come
    // from the bot) and lose their label to the bot's line after them: a new agent starts a group.
    const splitByAgent = groups => groups.flatMap(group => group.reduce((parts, activity) => {
      const last = parts[parts.length - 1];
      if (last && agentOf(last[last.length - 1]) === agentOf(activity)) {
        last.push(activity);
      } else {
        parts.push([activity]);
      }

      return parts;
    }, []));
    const groupActivitiesMiddleware = () => next => args => {
      const groups = next(args);
      return { ...groups, sender: splitByAgent(groups.sender || []), status: splitByAgent(groups.status || []) };
    };

    window.WebChat.renderWebChat(
      {
        directLine,
        activityStatusMiddleware,
        groupActivitiesMiddleware,
        userID: conversation.userId,
        username: 'You',
        locale,
        styleOptions: {
          accent: '#191919',
          backgroundColor: '#ffffff',
          botAvatarInitials: 'SB',
          botAvatarBackgroundColor: '#fee500',
          userAvatarInitials: 'You',
          bubbleBorderRadius: 10,
          bubbleFromUserBackground: '#fee500',
          bubbleFromUserBorderRadius: 10,
          suggestedActionLayout: 'flow',
          suggestedActionBorderRadius: 16,
          hideUploadButton: true,
          sendBoxTextWrap: true,
        },
      },
      chat);

    chat.querySelector('input, textarea')?.focus();
  }

  start();
})();
