import { convert } from 'html-to-text';
import sanitizeHtml from 'sanitize-html';
const opts = { wordwrap: false, selectors: [{ selector: 'a', options: { ignoreHref: true } }, { selector: 'img', format: 'skip' }] };
const flatten = (h) => sanitizeHtml(h, { allowedTags: false, allowedAttributes: {}, nestingLimit: 64, allowVulnerableTags: true, nonTextTags: ['style', 'script', 'textarea', 'option', 'noscript', 'head', 'title'] });
for (const n of [50000, 100000, 200000]) {
  for (const [name, mk] of [['style', (n)=>'<style>'.repeat(n)], ['div', (n)=>'<div>'.repeat(n)+'x'], ['lt', (n)=>'<'.repeat(n*5)], ['b', (n)=>'<b>a'.repeat(n)], ['table', (n)=>'<table><tr><td>'.repeat(n/3)], ['attr', (n)=>'<a '+'x="1" '.repeat(n)+'>'], ['comment', (n)=>'<!--'+'-'.repeat(n*5)], ['divclose', (n)=>'<div>a</div>'.repeat(n/2)]]) {
    const s = mk(n);
    const t = performance.now();
    let out;
    try { out = convert(flatten(s), opts); } catch (e) { out = 'ERR ' + e.message; }
    console.log(name, n, s.length, Math.round(performance.now() - t), 'ms', String(out).length);
  }
}
console.log(JSON.stringify(convert(flatten('<html><head><title>T</title><style>p{}</style></head><body><p>Hello&nbsp;<b>there</b></p><script>x()</script><p>A &amp; B &#x1F600;</p><table><tr><td>a</td><td>b</td></tr></table><ul><li>one</li><li>two</li></ul><a href="http://x">link</a><br>next</body></html>'), opts)));
