// <posture-check>: a live, editable Posture check on any page, with one tag:
//   <script src="https://HOST/embed.js" defer></script>
//   <posture-check pss-level="baseline">apiVersion: v1 ...</posture-check>
// Each element shows a frame of embed.html from the same place as this
// script, its content and settings in the frame's address, and follows what
// the frame reports (height, report, state) by postMessage. Attributes and
// messages: README, "Embedding and the JavaScript API".
//
// Host pages may have a strict Content-Security-Policy: nothing here writes
// inline markup or a style attribute's text; styles go through the CSSOM (a
// constructed stylesheet in the element's shadow root, style properties).
(() => {
  const script = document.currentScript || document.querySelector('script[src$="embed.js"]');
  const frameUrl = new URL('embed.html', script ? script.src : location.href);
  /** Longest fragment put in a frame's address; longer content is sent by message. */
  const MAX_FRAGMENT = 256 * 1024;
  /** Start loading a frame this far before it scrolls into view. */
  const NEAR = '400px';
  /**
   * Until a frame reports its height, a guess from the text's line count
   * (the frame's line height, and its borders, padding and summary), so
   * the page moves little when the frame comes in.
   */
  const LINE = 20;
  const CHROME = 110;

  const sheet = (() => {
    try {
      const s = new CSSStyleSheet();
      s.replaceSync(`:host { display: block; margin: 1em 0; }
        :host([hidden]) { display: none; }
        iframe { display: block; width: 100%; border: 0; color-scheme: normal; }`);
      return s;
    } catch {
      return null; // No constructed stylesheets: the frame's style properties are set one by one.
    }
  })();

  /** Every element's frame, by the frame's window, for the messages. */
  const byWindow = new Map();

  addEventListener('message', (e) => {
    if (e.origin !== frameUrl.origin || e.data?.type !== 'posture-embed') return;
    const element = byWindow.get(e.source);
    if (element) element.receive(e.data);
  });

  const near = new IntersectionObserver((entries) => {
    for (const entry of entries) {
      if (entry.isIntersecting) {
        near.unobserve(entry.target);
        entry.target.load();
      }
    }
  }, { rootMargin: NEAR });

  /**
   * The text raw-deflated and base64url encoded, as share links carry it
   * (share-link.js, the frame's module, reads it; a module cannot be loaded
   * here without CORS headers on its host).
   */
  async function pack(text) {
    const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('deflate-raw'));
    const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
    let binary = '';
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
  }

  /** The element's text as written in the page: the common indentation and the blank first and last lines removed. */
  function dedent(raw) {
    const lines = raw.replace(/\r\n?/g, '\n').split('\n');
    while (lines.length && !lines[0].trim()) lines.shift();
    while (lines.length && !lines[lines.length - 1].trim()) lines.pop();
    // A loop, not Math.min(...lines): a long text has more lines than a call has room for arguments.
    let indent = Infinity;
    for (const l of lines) if (l.trim()) indent = Math.min(indent, l.match(/^[ \t]*/)[0].length);
    return lines.length ? `${lines.map((l) => l.slice(indent)).join('\n')}\n` : '';
  }

  const list = (value) => (value || '').split(',').map((s) => s.trim()).filter(Boolean).join(',');

  class PostureCheck extends HTMLElement {
    #frame = null;
    /** The content, read from the page once. */
    #text;

    static observedAttributes = ['pss-level', 'select', 'ignore', 'allowed-registries', 'readonly', 'theme',
      'height', 'max-height', 'findings', 'title'];

    connectedCallback() {
      if (this.#frame) return;
      // Read the text once the parser has put it in: defined before the
      // element's content is parsed (a script without defer), wait.
      if (document.readyState === 'loading') {
        document.addEventListener('DOMContentLoaded', () => this.connectedCallback(), { once: true });
        return;
      }
      // The text, never the markup: entities are decoded, tags are not run.
      this.#text ??= dedent(this.textContent);
      const shadow = this.shadowRoot || this.attachShadow({ mode: 'open' });
      this.#frame = document.createElement('iframe');
      this.#frame.setAttribute('allow', 'clipboard-write');
      this.#frame.setAttribute('loading', 'lazy');
      // Named before it loads, for a screen reader passing by.
      this.#frame.title = this.#title();
      if (sheet) shadow.adoptedStyleSheets = [sheet];
      else Object.assign(this.#frame.style, { display: 'block', width: '100%', border: '0' });
      shadow.replaceChildren(this.#frame);
      this.#size(CHROME + LINE * this.#text.split('\n').length);
      near.observe(this);
    }

    disconnectedCallback() {
      near.unobserve(this);
      if (this.#frame?.contentWindow) byWindow.delete(this.#frame.contentWindow);
      this.#frame?.remove();
      this.#frame = null;
    }

    attributeChangedCallback(name, before, after) {
      // A frame already loaded starts again with the new settings (and the text as first written).
      if (before === after || !this.#frame?.src) return;
      this.disconnectedCallback();
      this.connectedCallback();
    }

    #title() {
      return this.getAttribute('title') || 'Kubernetes YAML checked by Posture';
    }

    /** The frame's height: the content's at `height="auto"` (the default), up to `max-height`. */
    #size(content) {
      const fixed = this.getAttribute('height');
      const style = this.#frame.style;
      style.height = fixed && fixed !== 'auto' ? fixed : `${content}px`;
      style.maxHeight = this.getAttribute('max-height') || '';
    }

    async load() {
      const frame = this.#frame;
      if (!frame) return;
      let hash = '';
      try {
        hash = `yaml=${await pack(this.#text)}`;
      } catch {
        // No CompressionStream('deflate-raw') in this browser: the text goes by message.
      }
      // Removed (and maybe added again, with a frame of its own) while packing.
      if (this.#frame !== frame) return;
      try {
        this.#start(hash);
      } catch (e) {
        this.dataset.state = 'error';
        this.dataset.error = `the frame could not be loaded (${e.message || e})`;
      }
    }

    /** Loads the frame: the settings as the attributes are now, the text in `hash` or (if empty or too long) by message. */
    #start(hash) {
      const q = new URLSearchParams();
      const set = (key, value) => { if (value) q.set(key, value); };
      set('level', this.getAttribute('pss-level'));
      set('select', list(this.getAttribute('select')));
      set('ignore', list(this.getAttribute('ignore')));
      set('registries', list(this.getAttribute('allowed-registries')));
      if (this.hasAttribute('readonly')) q.set('readonly', '');
      set('theme', this.getAttribute('theme'));
      set('findings', this.getAttribute('findings'));
      set('title', this.getAttribute('title'));
      q.set('origin', location.origin);
      if (!hash || hash.length > MAX_FRAGMENT) {
        q.set('content', 'message');
        hash = '';
      }
      const url = new URL(frameUrl);
      url.search = q.toString();
      url.hash = hash;
      this.#frame.title = this.#title();
      this.#frame.src = url.href;
      byWindow.set(this.#frame.contentWindow, this);
      this.dataset.state = 'checking';
    }

    receive(message) {
      switch (message.kind) {
        case 'height':
          if (typeof message.height === 'number') this.#size(Math.ceil(message.height));
          break;
        case 'want-content':
          this.#frame.contentWindow.postMessage({ type: 'posture-embed', kind: 'content', text: this.#text }, frameUrl.origin);
          break;
        case 'state':
          this.dataset.state = message.state;
          if (message.state === 'error') this.dataset.error = message.error;
          break;
        case 'report':
          delete this.dataset.error;
          this.dataset.findingCount = message.report.findings.length;
          this.dataset.state = 'done';
          this.dispatchEvent(new CustomEvent('posture-report', { detail: message.report, bubbles: true }));
          break;
      }
    }
  }

  if (!customElements.get('posture-check')) customElements.define('posture-check', PostureCheck);
})();
