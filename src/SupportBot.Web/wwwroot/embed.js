// SupportBot on any page: <script src="https://your-bot/embed.js" data-title="Help" defer></script>
// adds a launcher button and a chat panel. The chat itself runs in a frame of the bot's own page,
// so the host page's styles and scripts never meet Web Chat's (and the launcher's styles live in a
// shadow root). The bot only lets pages of the origins in WebChat:AllowedOrigins frame it.
//
// data- attributes: bot-url (default: where this script came from), title, color, text-color,
// position (right | left), open (true to start open).
(function () {
  'use strict';

  const script = document.currentScript;
  if (!script || window.__supportBotEmbed) {
    return;
  }

  window.__supportBotEmbed = true;
  const options = script.dataset;
  const botUrl = (options.botUrl || new URL(script.src, window.location.href).origin).replace(/\/+$/, '');
  const botOrigin = new URL(botUrl).origin;
  const title = options.title || 'SupportBot';
  // Colours go into a style sheet: only plain colour values are taken.
  const colour = (value, fallback) => /^(#[0-9a-f]{3,8}|[a-z]+|rgba?\([\d\s.,%]+\))$/i.test(value || '') ? value : fallback;
  const color = colour(options.color, '#fee500');
  const textColor = colour(options.textColor, '#191919');
  const side = options.position === 'left' ? 'left' : 'right';

  const host = document.createElement('div');
  host.setAttribute('data-supportbot', '');
  const root = host.attachShadow({ mode: 'open' });
  root.innerHTML = `
    <style>
      :host { all: initial; }
      * { box-sizing: border-box; font-family: system-ui, -apple-system, "Segoe UI", sans-serif; }
      .launcher {
        position: fixed; bottom: 20px; ${side}: 20px; z-index: 2147483000;
        width: 60px; height: 60px; border: 0; border-radius: 50%; cursor: pointer;
        background: ${color}; color: ${textColor}; box-shadow: 0 4px 14px rgb(0 0 0 / 25%);
        display: flex; align-items: center; justify-content: center;
      }
      .launcher:focus-visible, .close:focus-visible { outline: 3px solid #1a73e8; outline-offset: 2px; }
      .launcher svg { width: 28px; height: 28px; fill: currentColor; }
      .panel {
        position: fixed; bottom: 92px; ${side}: 20px; z-index: 2147483000;
        width: min(400px, calc(100vw - 40px)); height: min(600px, calc(100vh - 120px));
        display: flex; flex-direction: column; border-radius: 12px; overflow: hidden;
        background: #fff; box-shadow: 0 8px 30px rgb(0 0 0 / 30%);
      }
      .panel[hidden] { display: none; }
      header { display: flex; align-items: center; justify-content: space-between; padding: 10px 14px; background: ${color}; color: ${textColor}; }
      h2 { margin: 0; font-size: 16px; }
      .close { border: 0; background: transparent; color: inherit; font-size: 22px; line-height: 1; cursor: pointer; padding: 4px 8px; }
      iframe { flex: 1; width: 100%; border: 0; }
    </style>
    <div class="panel" role="dialog" aria-modal="false" hidden>
      <header><h2></h2><button class="close" type="button" aria-label="Close the chat">&times;</button></header>
    </div>
    <button class="launcher" type="button" aria-expanded="false">
      <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M12 3C6.5 3 2 6.6 2 11c0 2.4 1.3 4.6 3.4 6.1L4.5 21l4.3-2.4c1 .3 2.1.4 3.2.4 5.5 0 10-3.6 10-8s-4.5-8-10-8z"/></svg>
    </button>`;

  const panel = root.querySelector('.panel');
  const launcher = root.querySelector('.launcher');
  const close = root.querySelector('.close');
  root.querySelector('h2').textContent = title;
  panel.setAttribute('aria-label', title);
  launcher.setAttribute('aria-label', `Open ${title}`);

  let frame = null;

  function open() {
    if (!frame) {
      // Made on first open: a page that never opens the chat never starts a conversation.
      frame = document.createElement('iframe');
      frame.title = title;
      frame.src = `${botUrl}/?embed`;
      frame.allow = 'clipboard-write';
      panel.appendChild(frame);
    }

    panel.hidden = false;
    launcher.setAttribute('aria-expanded', 'true');
    launcher.setAttribute('aria-label', `Close ${title}`);
    frame.focus();
  }

  function hide() {
    panel.hidden = true;
    launcher.setAttribute('aria-expanded', 'false');
    launcher.setAttribute('aria-label', `Open ${title}`);
    launcher.focus();
  }

  launcher.addEventListener('click', () => (panel.hidden ? open() : hide()));
  close.addEventListener('click', hide);
  root.addEventListener('keydown', event => {
    if (event.key === 'Escape' && !panel.hidden) {
      hide();
    }
  });
  window.addEventListener('message', event => {
    if (event.origin === botOrigin && event.data && event.data.type === 'supportbot:close' && !panel.hidden) {
      hide();
    }
  });

  document.body.appendChild(host);
  if (options.open === 'true') {
    open();
  }
})();
