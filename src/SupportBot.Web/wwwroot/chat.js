// The chat page: a Direct Line token from this host, then Bot Framework Web Chat, unchanged.
// The conversation is kept in sessionStorage, so a reload within the token's life resumes it.
(function () {
  'use strict';

  const storageKey = 'supportbot.conversation';
  const refreshMargin = 5 * 60 * 1000;
  const embedded = new URLSearchParams(window.location.search).has('embed');
  const chat = document.getElementById('webchat');
  const error = document.getElementById('chat-error');
  const errorMessage = document.getElementById('chat-error-message');
  const retry = document.getElementById('chat-retry');

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
    });

    // Web Chat refreshes the token itself; keep the newest one for the next reload.
    directLine.activity$.subscribe(() => {
      if (directLine.token && directLine.token !== conversation.token) {
        conversation.token = directLine.token;
        save(conversation);
      }
    });

    window.WebChat.renderWebChat(
      {
        directLine,
        userID: conversation.userId,
        username: 'You',
        locale: document.documentElement.lang || 'en-US',
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
