/**
 * The console page's own HTML and script, kept as strings so the built API serves them
 * without copying files (xterm.js itself comes from node_modules). No inline script: the
 * page's Content-Security-Policy allows scripts from the API's origin only.
 */
export const CONSOLE_PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="referrer" content="no-referrer">
<title>carve console</title>
<link rel="stylesheet" href="/console/assets/xterm.css">
<style>
  html, body { margin: 0; height: 100%; background: #111; color: #ddd; font: 14px system-ui, sans-serif; }
  #bar { display: flex; gap: 1em; align-items: center; padding: 6px 10px; background: #222; }
  #bar button { font: inherit; }
  #terminal { position: absolute; top: 40px; bottom: 0; left: 0; right: 0; padding: 4px; }
</style>
</head>
<body>
<div id="bar">
  <strong>carve console</strong>
  <span id="status" data-state="connecting">connecting...</span>
  <button id="take" hidden>Take keyboard</button>
  <button id="reconnect" hidden>Reconnect</button>
</div>
<div id="terminal"></div>
<script src="/console/assets/xterm.js"></script>
<script src="/console/assets/console.js"></script>
</body>
</html>
`;

export const CONSOLE_PAGE_JS = `'use strict';
(function () {
  // The API token comes from the URL fragment (#token=...), which browsers never send to
  // a server, so it stays out of every log; it is then removed from the address bar.
  var fragment = new URLSearchParams(location.hash.slice(1));
  var token = fragment.get('token') || sessionStorage.getItem('carve-console-token') || window.prompt('carve API token');
  if (fragment.get('token')) history.replaceState(null, '', location.pathname + location.search);
  if (token) sessionStorage.setItem('carve-console-token', token);
  var serverId = decodeURIComponent(location.pathname.split('/').filter(Boolean)[1] || '');
  var statusEl = document.getElementById('status');
  var takeButton = document.getElementById('take');
  var reconnectButton = document.getElementById('reconnect');
  var term = new Terminal({ convertEol: false, cursorBlink: true, scrollback: 5000, fontFamily: 'monospace' });
  term.open(document.getElementById('terminal'));
  term.focus();
  var socket = null;
  var encoder = new TextEncoder();

  function setStatus(state, text) {
    statusEl.dataset.state = state;
    statusEl.textContent = text;
  }

  function connect() {
    reconnectButton.hidden = true;
    setStatus('connecting', 'getting a console ticket...');
    fetch('/v1/servers/' + encodeURIComponent(serverId) + '/console-tickets', { method: 'POST', headers: { authorization: 'Bearer ' + token } })
      .then(function (res) {
        return res.json().then(function (body) {
          if (!res.ok) throw new Error(body.detail || ('HTTP ' + res.status));
          return body;
        });
      })
      .then(function (issued) {
        var scheme = location.protocol === 'https:' ? 'wss://' : 'ws://';
        socket = new WebSocket(scheme + location.host + issued.url);
        socket.binaryType = 'arraybuffer';
        socket.onmessage = function (event) {
          if (typeof event.data !== 'string') return term.write(new Uint8Array(event.data));
          var message = JSON.parse(event.data);
          if (message.type === 'status') {
            if (message.message) term.write('\\r\\n[carve: ' + message.message + ']\\r\\n');
            takeButton.hidden = !message.canType || message.typist;
            setStatus(message.typist ? 'typing' : 'watching', (message.typist ? 'connected, you have the keyboard' : message.canType ? 'connected, watching (another viewer types)' : 'connected, read-only') + ' - viewers: ' + message.viewers);
          } else if (message.type === 'ended') {
            setStatus('ended', 'console closed: ' + message.message);
          } else if (message.type === 'error') {
            term.write('\\r\\n[carve: ' + message.message + ']\\r\\n');
          }
        };
        socket.onclose = function (event) {
          if (statusEl.dataset.state !== 'ended') setStatus('ended', 'console closed' + (event.reason ? ': ' + event.reason : ''));
          takeButton.hidden = true;
          reconnectButton.hidden = false;
        };
      })
      .catch(function (error) {
        setStatus('ended', 'cannot open the console: ' + error.message);
        reconnectButton.hidden = false;
      });
  }

  term.onData(function (data) {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(encoder.encode(data));
  });
  takeButton.onclick = function () {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: 'take-keyboard' }));
    term.focus();
  };
  reconnectButton.onclick = connect;
  connect();
})();
`;
