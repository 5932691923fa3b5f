// The demo help center's one script: a search box that goes nowhere, and SupportBot's embed.
(function () {
  'use strict';

  document.querySelector('form[role=search]').addEventListener('submit', event => event.preventDefault());

  // ?bot= says where the bot is when this page is served from another origin. Only an http(s)
  // address is taken, and only its origin: a data: or javascript: URL, or a path of someone
  // else's choosing, never becomes a script here. (On the bot's own origin the server also refuses
  // a bot outside WebChat:AllowedOrigins, and its Content-Security-Policy runs no foreign script.)
  function botOrigin() {
    const bot = new URLSearchParams(window.location.search).get('bot');
    if (!bot) {
      return window.location.origin;
    }

    try {
      const url = new URL(bot);
      if (url.protocol === 'http:' || url.protocol === 'https:') {
        return url.origin;
      }
    } catch {
      // Not a URL: ignored like any other address that is not http(s).
    }

    console.warn('SupportBot demo: ?bot= must be an http(s) address; it is ignored.');
    return window.location.origin;
  }

  const script = document.createElement('script');
  script.src = new URL('/embed.js', botOrigin()).href;
  script.dataset.title = 'Ask SupportBot';
  script.dataset.position = 'right';
  document.body.appendChild(script);
})();
