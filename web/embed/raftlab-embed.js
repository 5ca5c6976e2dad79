/* Raftlab embedding kit: <raftlab-embed>, no dependencies.
 *
 *   <script src="https://raftlab.example/embed/raftlab-embed.js" defer></script>
 *   <raftlab-embed run="AQ..." panels="logs" lang="en" label="Crash the leader and watch"></raftlab-embed>
 *
 * Shows a light poster; the Raftlab iframe is loaded only when the poster is
 * clicked (or a command is sent). The iframe is as tall as its content (it
 * posts its height, Pym.js style). Commands return promises; events arrive
 * as DOM events on the element:
 *
 *   const r = document.querySelector('raftlab-embed');
 *   r.addEventListener('leader', (e) => console.log(e.detail.node, e.detail.term));
 *   await r.act({action: 'crash', node: 'leader'});
 *
 * Attributes: src (the Raftlab page; default: ../index.html next to this
 * script), run, seed, nodes, speed, lang, panels, controls, theme, autoplay,
 * tour, label (the poster's text). README.md lists the protocol. */
(() => {
  const PROTOCOL = 1;
  const here = document.currentScript && document.currentScript.src;
  const PARAMS = ['run', 'seed', 'nodes', 'speed', 'lang', 'panels', 'controls', 'theme', 'autoplay', 'tour'];
  let count = 0;
  const css =
    ':host{display:block;position:relative;font:15px system-ui,sans-serif}' +
    'button{all:unset;box-sizing:border-box;display:flex;flex-direction:column;align-items:center;justify-content:center;gap:8px;' +
    'width:100%;min-height:240px;border:1px solid #c9d0de;border-radius:8px;background:#f7f8fb;color:#1d2433;cursor:pointer;text-align:center;padding:16px}' +
    'button:hover,button:focus-visible{border-color:#2f6fde;outline:2px solid #7a3cff}' +
    'svg{width:120px;height:120px}b{font-size:1.1em}' +
    'iframe{display:block;width:100%;border:0;border-radius:8px;min-height:240px}' +
    '@media (prefers-color-scheme:dark){button{background:#1b2029;color:#e8ecf4;border-color:#3a4252}}';
  const poster =
    '<svg viewBox="0 0 120 120" aria-hidden="true"><circle cx="60" cy="60" r="44" fill="none" stroke="#c9d0de"/>' +
    [0, 1, 2, 3, 4].map((i) => {
      const a = (i / 5) * 2 * Math.PI - Math.PI / 2;
      return `<circle cx="${60 + 44 * Math.cos(a)}" cy="${60 + 44 * Math.sin(a)}" r="11" fill="#fff" stroke="${i ? '#2f6fde' : '#16803f'}" stroke-width="${i ? 3 : 5}"/>`;
    }).join('') +
    '<path d="M52 48l22 12-22 12z" fill="#2f6fde"/></svg>';

  class RaftlabEmbed extends HTMLElement {
    constructor() {
      super();
      this._root = this.attachShadow({ mode: 'open' });
      this._pending = new Map();
      this._queue = [];
      this._ready = false;
      this._next = 0;
      this._id = 'raftlab-' + ++count;
    }
    connectedCallback() {
      if (this._root.firstChild) return;
      const label = this.getAttribute('label') || 'Run the Raft simulation';
      this._root.innerHTML = `<style>${css}</style><button type="button" part="poster" data-testid="raftlab-poster">${poster}<b></b><small>Raftlab · loads on click</small></button>`;
      this._root.querySelector('b').textContent = '▶ ' + label;
      this._root.querySelector('button').addEventListener('click', () => this.activate());
    }
    /** The address the iframe loads. */
    get url() {
      const u = new URL(this.getAttribute('src') || new URL('../index.html', here || location.href), location.href);
      u.searchParams.set('embed', '1');
      u.searchParams.set('origin', location.origin);
      u.searchParams.set('childId', this._id);
      for (const p of PARAMS) if (this.hasAttribute(p)) u.searchParams.set(p, this.getAttribute(p));
      return u;
    }
    /** Loads the iframe (once). */
    activate() {
      if (this._frame) return;
      const url = this.url;
      this._origin = url.origin;
      const f = (this._frame = document.createElement('iframe'));
      f.title = this.getAttribute('label') || 'Raftlab: Raft consensus, live';
      f.allow = 'clipboard-write';
      f.src = url.href;
      this._onMessage = (e) => this._receive(e);
      addEventListener('message', this._onMessage);
      this._root.querySelector('button').replaceWith(f);
    }
    disconnectedCallback() {
      if (this._onMessage) removeEventListener('message', this._onMessage);
    }
    _receive(e) {
      if (!this._frame || e.source !== this._frame.contentWindow || e.origin !== this._origin) return;
      const d = e.data;
      if (typeof d === 'string') {
        const m = d.split('xPYMx');
        if (m[0] === 'pym' && m[1] === this._id && m[2] === 'height') this._frame.style.height = Math.ceil(+m[3]) + 'px';
        return;
      }
      if (!d || d.raftlab !== PROTOCOL) return;
      if (d.type === 'reply') {
        const p = this._pending.get(d.id);
        if (!p) return;
        this._pending.delete(d.id);
        d.ok ? p[0](d.result) : p[1](new Error(d.error));
      } else if (d.type === 'event') {
        if (d.event === 'ready') {
          this._ready = true;
          this._queue.splice(0).forEach((m) => this._post(m));
        }
        this.dispatchEvent(new CustomEvent(d.event, { detail: d }));
      }
    }
    _post(m) {
      this._frame.contentWindow.postMessage(m, this._origin);
    }
    /** Sends a command ({cmd, ...fields}); resolves with its result. */
    send(cmd, fields) {
      this.activate();
      const id = ++this._next;
      const m = Object.assign({}, fields, { raftlab: PROTOCOL, cmd, id });
      return new Promise((ok, fail) => {
        this._pending.set(id, [ok, fail]);
        this._ready ? this._post(m) : this._queue.push(m);
      });
    }
    play() { return this.send('play'); }
    pause() { return this.send('pause'); }
    step() { return this.send('step'); }
    seek(ms) { return this.send('seek', { ms }); }
    setSpeed(value) { return this.send('speed', { value }); }
    act(spec) { return this.send('act', spec); }
    load(link) { return this.send('load', { link }); }
    startTour(id, stop) { return this.send('tour', { tour: id, stop }); }
    getState() { return this.send('get'); }
    setState(state) { return this.send('set', { state }); }
    link() { return this.send('link'); }
    fingerprint() { return this.send('fingerprint'); }
  }
  if (!customElements.get('raftlab-embed')) customElements.define('raftlab-embed', RaftlabEmbed);
})();
