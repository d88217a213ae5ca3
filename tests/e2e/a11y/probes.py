"""What the accessibility tests measure in a page, each one script run in Chromium.

axe-core finds what rules over the DOM can find; the probes here check what a hands-on test
of the pages found axe misses: duplicate ids, targets under 24 by 24 CSS pixels (WCAG 2.2
2.5.8), Dutch content on an English page without `lang="nl"` (WCAG 3.1.2), and interactive
elements whose focus draws nothing (WCAG 2.4.7).
"""

from __future__ import annotations

# WCAG 2.0/2.1 A and AA, WCAG 2.2 AA (target size, focus not obscured) and axe's best practices
# (landmarks, one h1, heading order, skip link...). Experimental rules stay out.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]

RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {
    runOnly: {type: 'tag', values: tags},
    resultTypes: ['violations'],
  });
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + n.failureSummary),
    count: v.nodes.length,
  }));
}"""

DUPLICATE_IDS = """() => {
  const seen = new Map();
  for (const el of document.querySelectorAll('[id]')) {
    seen.set(el.id, (seen.get(el.id) || 0) + 1);
  }
  return [...seen].filter(([, n]) => n > 1).map(([id, n]) => `${id} (${n}x)`);
}"""

INTERACTIVE = (
    "a[href], button, input:not([type=hidden]), select, textarea, summary, "
    "[role=button], [role=link], [tabindex]:not([tabindex='-1'])"
)

# An element shown to a pointer: laid out, visible, not clipped to nothing like the
# visually-hidden class or a skip link waiting for focus.
_SHOWN = """
const shown = (el) => {
  const r = el.getBoundingClientRect();
  if (r.width === 0 && r.height === 0) return false;
  const style = getComputedStyle(el);
  if (style.visibility === 'hidden' || style.display === 'none') return false;
  for (let e = el; e; e = e.parentElement) {
    const s = getComputedStyle(e);
    if (s.clip === 'rect(0px, 0px, 0px, 0px)' || s.clipPath === 'inset(50%)') return false;
  }
  if (r.right < 0 || r.bottom < 0 || r.left > innerWidth + scrollX + 4000) return false;
  return true;
};
const describe = (el) => {
  const name = (el.innerText || el.value || el.getAttribute('aria-label') || el.name || '')
    .trim().replace(/\\s+/g, ' ').slice(0, 40);
  return `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} "${name}"`;
};
"""

# WCAG 2.5.8: at least 24 by 24 CSS pixels, except a link inside a sentence (the "inline"
# exception): an inline <a> whose block also holds text of its own.
SMALL_TARGETS = (
    """(selector) => {"""
    + _SHOWN
    + r"""
  const inSentence = (el) => {
    if (el.tagName !== 'A' || getComputedStyle(el).display !== 'inline') return false;
    const block = el.parentElement.closest('p, li, td, dd, div, span, label, th');
    if (!block) return false;
    // Text of its own around the link: at least a word, not just a separator like " · ".
    const rest = block.innerText.replace(el.innerText, '');
    return /\p{L}{2,}/u.test(rest);
  };
  const small = [];
  for (const el of document.querySelectorAll(selector)) {
    if (!shown(el) || el.disabled && el.type === 'hidden') continue;
    const r = el.getBoundingClientRect();
    if ((r.width < 24 || r.height < 24) && !inSentence(el)) {
      small.push(`${describe(el)} ${r.width.toFixed(1)}x${r.height.toFixed(1)}`);
    }
  }
  return small;
}"""
)

# WCAG 2.4.7: focusing an element must draw an outline or a box shadow (the Utrecht focus ring
# is an outline; our theme adds it where a component has none).
NO_FOCUS_STYLE = (
    """(selector) => {"""
    + _SHOWN
    + """
  const missing = [];
  const before = document.activeElement;
  for (const el of document.querySelectorAll(selector)) {
    if (!shown(el) || el.disabled) continue;
    el.focus({preventScroll: true});
    if (document.activeElement !== el) continue;
    const s = getComputedStyle(el);
    const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
    const shadow = s.boxShadow && s.boxShadow !== 'none';
    if (!outline && !shadow) missing.push(describe(el));
  }
  if (before && before.focus) before.focus({preventScroll: true});
  return missing;
}"""
)

# WCAG 3.1.2: on an English page, a Dutch-only text (a course's title, written once in Dutch)
# must sit in an element whose nearest lang is "nl".
UNMARKED_DUTCH = """(texts) => {
  const wanted = texts.filter(t => t.length >= 4);
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const found = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest('script, style, textarea, [hidden]')) continue;
    const content = node.textContent;
    // An option holds plain text: one that is just the Dutch text must carry lang="nl"; one
    // that mixes it with English (a date, the places free) stays in the page's language.
    const option = parent.tagName === 'OPTION';
    for (const t of wanted) {
      if (!content.includes(t) || option && content.trim() !== t) continue;
      const marked = parent.closest('[lang]');
      if (!marked || marked.getAttribute('lang') !== 'nl') {
        found.push(`"${t}" in <${parent.tagName.toLowerCase()}>`);
      }
    }
  }
  return [...new Set(found)];
}"""

# After a form was sent with mistakes: the title says so, the summary has the focus, is
# announced (role alert), and each of its links leads to an element of the page.
ERROR_SUMMARY = """() => {
  const summary = document.querySelector('[data-error-summary]');
  if (!summary) return {found: false};
  const links = [...summary.querySelectorAll('a[href^="#"]')];
  return {
    found: true,
    title: document.title,
    focused: document.activeElement === summary,
    role: summary.getAttribute('role'),
    items: summary.querySelectorAll('li').length,
    links: links.length,
    broken: links.map(a => a.getAttribute('href').slice(1))
      .filter(id => !document.getElementById(id)),
  };
}"""
