"""Layout of the example supplements in headless Chromium: phone, print, joint display.

The pages are made once per module (``image-synth run --only national,po_vo,C,D``, in
Dutch and in English) and checked as a reader meets them:

* on a 390 px phone the page never pans sideways; wide tables scroll in their own box
  and their first column stays put;
* printed (print media, A4: 794 px is the sheet's width at 96 px/in, 680 px the text
  width inside 15 mm margins) no table, figure or ``pre`` reaches past the text column
  and no table, cell or scroll box hides content it cannot show;
* at 1,280 px the convergence cells of a joint display are on screen without scrolling;
* headings are kept with what follows them when printed (``break-after: avoid``), rows,
  figures and captions are not split, the table of contents is not printed.

Each check also runs on the markup the table renderer is about to emit (every table in a
``div.isx-table-wrap``, the joint display as ``table.isx-joint`` with ``td.isx-conv`` and
its quotes in ``tr.isx-detail`` rows), made from today's page in the browser by
:data:`ANNOUNCED`, so the CSS for it is tested before the renderer change lands.
"""

from __future__ import annotations

import pytest
from test_publish_browser import chromium

pytestmark = [pytest.mark.slow, pytest.mark.browser]

PAGES = ("national", "situation-po_vo", "region-C", "region-D")
LANGS = ("nl", "en")
PHONE, DESKTOP = 390, 1280
A4_SHEET, A4_TEXT = 794, 680   # 210 mm and 210 - 2 x 15 mm at 96 px per inch
MARKUP = ("today", "announced")

# Today's page -> the markup the renderer will emit (tables wrapped; joint display as
# table.isx-joint with a row header, td.isx-conv and the quote in a detail row).
ANNOUNCED = r"""() => {
  const lang = document.documentElement.lang;
  for (const t of [...document.querySelectorAll('table.joint-display')]) {
    const heads = [...t.querySelectorAll('thead th')];
    const quote = heads.length - 2, conv = heads.length - 1;
    const label = heads[quote].textContent;
    heads[quote].remove();
    heads.forEach(h => h.setAttribute('scope', 'col'));
    t.className = 'isx-table isx-joint';
    for (const tr of [...t.querySelectorAll('tbody tr')]) {
      const cells = [...tr.children];
      const th = document.createElement('th');
      th.setAttribute('scope', 'row');
      th.innerHTML = cells[0].innerHTML;
      cells[0].replaceWith(th);
      cells[conv].classList.add('isx-conv');
      const q = cells[quote];
      q.remove();
      if (q.textContent.trim()) {
        const detail = document.createElement('tr');
        detail.className = 'isx-detail';
        detail.innerHTML = `<td colspan="${heads.length - 1}"><details><summary>${label}` +
          `</summary><blockquote lang="${lang}">${q.innerHTML}</blockquote></details></td>`;
        tr.after(detail);
      }
    }
  }
  for (const t of document.querySelectorAll('main table')) {
    if (t.parentElement.classList.contains('isx-table-wrap')) continue;
    const wrap = document.createElement('div');
    wrap.className = 'isx-table-wrap';
    wrap.setAttribute('role', 'region');
    wrap.setAttribute('tabindex', '0');
    wrap.setAttribute('aria-label', 'table');
    t.before(wrap);
    wrap.append(t);
  }
}"""

# "tag.class under 'heading'" for an element, to say which one failed
DESCRIBE = r"""
const describe = (el) => {
  let node = el, heading = '';
  while (node && !heading) {
    let prev = node.previousElementSibling;
    while (prev && !/^H[1-3]$/.test(prev.tagName)) prev = prev.previousElementSibling;
    if (prev) heading = prev.textContent.trim().slice(0, 50);
    node = node.parentElement;
  }
  return `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} under '${heading}'`;
};
"""

# Print: what reaches past the text column, and boxes whose content is wider than the box
PRINT_OVERFLOW = "() => {" + DESCRIBE + r"""
  const column = document.querySelector('main').getBoundingClientRect();
  const out = [];
  for (const el of document.querySelectorAll('main table, main figure, main pre, main img, '
                                             + 'main svg, .isx-table-wrap')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    if (r.right > column.right + 1)
      out.push(`${describe(el)}: right edge ${Math.round(r.right)} > ${Math.round(column.right)}`);
    if (el.matches('table, pre, .isx-table-wrap') && el.scrollWidth > el.clientWidth + 1)
      out.push(`${describe(el)}: content ${el.scrollWidth} px in a ${el.clientWidth} px box`);
  }
  for (const cell of document.querySelectorAll('main td, main th')) {
    if (cell.scrollWidth > cell.clientWidth + 1)
      out.push(`${describe(cell.closest('table'))}: cell '${cell.textContent.trim().slice(0, 30)}'`
               + ` ${cell.scrollWidth} px in ${cell.clientWidth} px`);
  }
  return {out, page: document.documentElement.scrollWidth, width: window.innerWidth};
}"""

# Phone: what sticks out of the page (elements not inside a scroll box)
PHONE_OVERFLOW = "() => {" + DESCRIBE + r"""
  const width = document.documentElement.clientWidth;
  const out = [];
  for (const el of document.querySelectorAll('main *')) {
    const r = el.getBoundingClientRect();
    if (r.right <= width + 1 || r.width === 0) continue;
    let box = el.parentElement, scrolled = false;
    while (box && box !== document.body) {
      if (getComputedStyle(box).overflowX !== 'visible') { scrolled = true; break; }
      box = box.parentElement;
    }
    if (!scrolled) out.push(`${describe(el)}: right edge ${Math.round(r.right)} > ${width}`);
  }
  return {out: out.slice(0, 10), page: document.documentElement.scrollWidth,
          width: window.innerWidth};
}"""


@pytest.fixture(scope="module")
def browser():
    with chromium() as browser:
        yield browser


@pytest.fixture(scope="module")
def example_pages(tmp_path_factory, cli):
    """The example study's national, po_vo, region C and D pages, in nl and en."""
    out = tmp_path_factory.mktemp("example-pages")
    for lang in LANGS:
        proc = cli("run", "--only", "national,po_vo,C,D", "--lang", lang,
                   "--out", str(out / lang), "--no-progress", cwd=out)
        assert proc.returncode == 0, proc.stderr[-3000:]
    return out


@pytest.fixture
def open_page(browser, example_pages):
    """``open_page(lang, name, width, markup, media="screen")``: a page, offline."""
    contexts = []

    def open_(lang, name, width, markup="today", media="screen"):
        context = browser.new_context(offline=True, viewport={"width": width, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.goto((example_pages / lang / f"{name}.html").as_uri())
        page.emulate_media(media=media)
        if markup == "announced":
            page.evaluate(ANNOUNCED)
        return page

    yield open_
    for context in contexts:
        context.close()


cases = pytest.mark.parametrize("lang,name", [(lang, name) for lang in LANGS for name in PAGES])
markups = pytest.mark.parametrize("markup", MARKUP)


@cases
@markups
def test_phone_page_does_not_pan_sideways(open_page, lang, name, markup):
    page = open_page(lang, name, PHONE, markup)
    found = page.evaluate(PHONE_OVERFLOW)
    assert found["page"] <= found["width"], found
    assert found["out"] == []


@cases
@markups
def test_a_scrolling_tables_caption_is_read_without_scrolling(open_page, lang, name, markup):
    # the caption is the table's first line: on a phone it wraps inside the box, not
    # across the width of the table behind the sideways scroll
    page = open_page(lang, name, PHONE, markup)
    out = page.evaluate(r"""() => [...document.querySelectorAll('main caption')]
      .filter(c => c.getBoundingClientRect().width > 0)
      .map(c => [c.textContent.trim().slice(0, 40), Math.round(c.getBoundingClientRect().right)])
      .filter(([, right]) => right > window.innerWidth + 1)""")
    assert out == []


@cases
@markups
def test_first_column_of_a_scrolling_table_stays_put(open_page, lang, name, markup):
    page = open_page(lang, name, PHONE, markup)
    moved = page.evaluate(r"""() => {
      const out = [];
      for (const head of document.querySelectorAll('main tbody th[scope=row]')) {
        let box = head.parentElement;
        while (box && box.scrollWidth <= box.clientWidth + 1) box = box.parentElement;
        if (!box || box === document.documentElement || box === document.body) continue;
        if (box.dataset.checked) continue;
        box.dataset.checked = '1';
        const cell = head.parentElement.lastElementChild;
        const before = [head.getBoundingClientRect().left, cell.getBoundingClientRect().left];
        box.scrollLeft = 150;
        const after = [head.getBoundingClientRect().left, cell.getBoundingClientRect().left];
        const bg = getComputedStyle(head).backgroundColor;
        out.push({head: head.textContent.trim().slice(0, 30), before, after, bg,
                  scrolled: box.scrollLeft});
        box.scrollLeft = 0;
      }
      return out;
    }""")
    assert moved, "no table scrolls at 390 px: nothing to check"
    for m in moved:
        assert m["scrolled"] > 0, m                                        # the box scrolls
        assert abs(m["before"][1] - m["after"][1] - m["scrolled"]) <= 1, m  # its cells move
        assert abs(m["after"][0] - m["before"][0]) <= 1, m                  # its row header not
        assert m["bg"] not in ("rgba(0, 0, 0, 0)", "transparent"), m  # nothing shows through


@cases
@markups
def test_print_fits_the_text_width_without_clipping(open_page, lang, name, markup):
    page = open_page(lang, name, A4_SHEET, markup, media="print")
    for width in (A4_SHEET, A4_TEXT):   # one page load, two widths
        page.set_viewport_size({"width": width, "height": 900})
        found = page.evaluate(PRINT_OVERFLOW)
        assert found["out"] == [], width
        assert found["page"] <= found["width"], (width, found)


@cases
@markups
def test_joint_display_convergence_on_screen_at_1280(open_page, lang, name, markup):
    page = open_page(lang, name, DESKTOP, markup)
    found = page.evaluate(r"""() => {
      const tables = [...document.querySelectorAll('table.isx-joint')];
      return {tables: tables.length, width: document.documentElement.clientWidth,
        boxes: tables.map(t => {
          const box = t.parentElement.classList.contains('isx-table-wrap') ? t.parentElement : t;
          return [box.scrollWidth, box.clientWidth];
        }),
        cells: tables.flatMap(t => [...t.querySelectorAll('td.isx-conv')].map(c => {
          const r = c.getBoundingClientRect();
          return [c.textContent.trim(), Math.round(r.left), Math.round(r.right)];
        }))};
    }""")
    if not found["tables"]:
        pytest.skip("the page has no table.isx-joint yet (the renderer change adds it)")
    assert found["cells"], "a joint display without convergence cells"
    for scroll_width, client_width in found["boxes"]:
        assert scroll_width <= client_width + 1, found["boxes"]
    outside = [c for c in found["cells"] if c[1] < 0 or c[2] > found["width"]]
    assert outside == []


@cases
def test_print_keeps_headings_with_what_follows(open_page, lang, name):
    page = open_page(lang, name, A4_SHEET, media="print")
    found = page.evaluate(r"""() => {
      const style = (sel, prop, pseudo) => [...document.querySelectorAll(sel)].map(
        e => [e.tagName + ' ' + e.textContent.trim().slice(0, 30),
              getComputedStyle(e, pseudo).getPropertyValue(prop)]);
      return {
        headings: style('main h2, main h3', 'break-after'),
        unsplit: style('main figure, main tr, main caption, main figcaption', 'break-inside'),
        toc: style('nav.isx-toc', 'display'),
        links: style('main a[href]', 'content', '::after'),
      };
    }""")
    assert found["headings"], "no headings"
    assert [h for h in found["headings"] if h[1] != "avoid"] == []
    assert [e for e in found["unsplit"] if e[1] != "avoid"] == []
    assert found["toc"] and all(display == "none" for _, display in found["toc"])
    assert [a for a in found["links"] if a[1] not in ("none", "normal", "")] == []


# The classes the table renderer emits, on one small page: how each one looks.
CLASSES = """
<table class="isx-table"><thead><tr><th scope="col">groep</th><th scope="col">n</th>
<th scope="col">wel</th><th scope="col">niet</th></tr></thead><tbody>
<tr class="isx-level-0 isx-parent"><th scope="row">totaal</th><td class="isx-num">239</td>
<td class="isx-num">59</td><td class="isx-num">143</td></tr>
<tr class="isx-level-1 isx-parent"><th scope="row">po-vo</th><td class="isx-num">92</td>
<td data-hidden="primary">&lt;5</td><td data-hidden="complementary">×</td></tr>
<tr class="isx-level-2"><th scope="row">regio G</th><td class="isx-num">15</td>
<td class="isx-num">1</td><td class="isx-num">10</td></tr>
</tbody></table>
<table class="isx-table isx-joint"><thead><tr><th scope="col">Factor</th>
<th scope="col">Convergentie</th></tr></thead><tbody>
<tr><th scope="row">Vertrouwen</th><td class="isx-conv conv-agreement">overeenstemming</td></tr>
<tr class="isx-detail"><td colspan="2"><details><summary>Citaat</summary>
<blockquote lang="nl">Dat maakt het veel makkelijker.</blockquote></details></td></tr>
<tr><th scope="row">Tijd</th><td class="isx-conv conv-partial_agreement">gedeeltelijk</td></tr>
<tr><th scope="row">Visie</th><td class="isx-conv conv-dissonance">dissonantie</td></tr>
<tr><th scope="row">Omvang</th><td class="isx-conv conv-silence">stilte</td></tr>
</tbody></table>
<p>Zij zei <q lang="nl">we kennen elkaar</q>.</p>
<figure class="isx-figure"><img alt="een figuur" width="2000" height="100"
 src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><figcaption>Figuur 1.</figcaption></figure>
<p class="isx-note">× = niet getoond.</p>
"""


@pytest.fixture
def classes_page(browser):
    from image_synth.publish.html import CSS, page

    text = page('<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8">'
                f'<style>{CSS}</style></head><body><div class="isx-page"><main id="main">'
                f"{CLASSES}</main></div></body></html>", lang="nl")
    context = browser.new_context(offline=True, viewport={"width": DESKTOP, "height": 900})
    tab = context.new_page()
    tab.set_content(text)
    yield tab
    context.close()


def _styles(tab, selector, *props):
    return tab.evaluate("""([sel, props]) => [...document.querySelectorAll(sel)].map(e => {
        const s = getComputedStyle(e); return props.map(p => s.getPropertyValue(p)); })""",
                        [selector, list(props)])


def test_renderer_classes_are_styled(classes_page):
    tab = classes_page
    body = _styles(tab, "main > p:not(.isx-note)", "color")[0][0]
    for sel in ('td[data-hidden="primary"]', 'td[data-hidden="complementary"]'):
        [[align, color]] = _styles(tab, sel, "text-align", "color")
        assert align == "right" and color != body, sel            # muted, right-aligned
    for align, numbers in _styles(tab, "td.isx-num", "text-align", "font-variant-numeric"):
        assert align == "right" and "tabular-nums" in numbers
    indents = [float(p[0].removesuffix("px")) for p in
               _styles(tab, "tr[class*=isx-level] > th", "padding-left")]
    assert indents[0] < indents[1] < indents[2], indents           # level 0 < 1 < 2
    weights = [int(w[0]) for w in _styles(tab, "tr.isx-parent > th, tr.isx-level-2 > th",
                                           "font-weight")]
    assert weights[0] >= 600 and weights[1] >= 600 and weights[2] < 600, weights
    conv = {c: _styles(tab, f"td.isx-conv.conv-{c}", "background-color", "color")[0]
            for c in ("agreement", "partial_agreement", "dissonance", "silence")}
    plain = "rgba(0, 0, 0, 0)"
    assert len({conv[c][0] for c in ("agreement", "partial_agreement", "dissonance")}) == 3
    assert plain not in {conv[c][0] for c in ("agreement", "partial_agreement", "dissonance")}
    assert conv["silence"][1] != body                                 # silence is muted
    [[border]] = _styles(tab, "blockquote[lang]", "border-left-style")
    assert border == "solid"
    [[quotes]] = _styles(tab, "q[lang]", "font-style")
    assert quotes == "italic"
    [[display, caption]] = _styles(tab, "figure.isx-figure > figcaption", "display", "color")
    assert display == "block" and caption != body
    figure = tab.evaluate("""() => [document.querySelector('figure.isx-figure img')
        .getBoundingClientRect().right, document.querySelector('main')
        .getBoundingClientRect().right]""")
    assert figure[0] <= figure[1] + 1, figure                      # the figure fits the column
    [[note]] = _styles(tab, "p.isx-note", "color")
    assert note != body
    # the detail row hangs under its row: no line between them, no zebra stripe
    rows = _styles(tab, "table.isx-joint tbody tr", "background-color")
    assert len({r[0] for r in rows}) == 1, rows
    [[line]] = _styles(tab, "table.isx-joint tr:has(+ tr.isx-detail) > th",
                       "border-bottom-style")
    assert line == "none"


# every quote folded in a <details>: is it laid out and visible?
QUOTES_SHOWN = r"""() => [...document.querySelectorAll('details blockquote')].map(q => {
  const r = q.getBoundingClientRect();
  return [q.textContent.slice(0, 30), q.checkVisibility() && r.height > 0 && r.width > 0];
})"""


def test_a_folded_quote_is_printed_open(classes_page):
    tab = classes_page
    assert tab.evaluate(QUOTES_SHOWN) == [["Dat maakt het veel makkelijker", False]]
    tab.emulate_media(media="print")
    assert tab.evaluate(QUOTES_SHOWN) == [["Dat maakt het veel makkelijker", True]]
    [[summary]] = _styles(tab, "tr.isx-detail summary", "display")
    assert summary == "none"


@pytest.mark.parametrize("lang,name", [(lang, name) for lang in LANGS
                                       for name in ("national", "region-C")])
def test_the_quotes_of_the_joint_display_are_printed(open_page, lang, name):
    page = open_page(lang, name, A4_SHEET, media="print")
    quotes = page.evaluate(QUOTES_SHOWN)
    assert quotes, "no quote in a <details> on the page"
    assert [q for q, shown in quotes if not shown] == []
