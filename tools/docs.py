"""Build and check the docs site without Quarto.

Quarto cannot be installed on the project's machines, so `nbdev_docs` cannot run there. This script runs
what does: nbdev's own processing of the notebooks (what `nbdev_proc_nbs` does, into `_proc/`), an HTML render
of every processed notebook into `_docs_html/` (nbconvert, images embedded), and README.md generated from
`nbs/index.ipynb`. The pages form a site that works offline from `file://`:

- a sidebar with the chapters in the order of `nbs/sidebar.yml` (the file Quarto reads too), the current page
  marked, and previous/next links at the foot of each page; page titles from each notebook's `# Title`;
- nbdev's symbol links (`<doc_host>/<doc_baseurl>/model.html#transformerlm`, named after nbdev's output file)
  point at our pages (`04_model.html#transformerlm`), every heading has the id Quarto would give it, and a
  chapter named in backticks (`04_model`) links to its page;
- no link to the addresses settings.ini names (doc_host, git_url, its user), where nothing is published: the
  "source" link of each symbol goes to the file in the repository (`../llm_scratch/model.py`, relative to the
  page), and one with nowhere to go is dropped; the links nbdev leaves as raw markdown inside signatures become links;
- code output wraps at word boundaries (nbs/styles.css, which Quarto reads too, is added to each page);
- math typeset by a local MathJax 2 (the `jupyter-server-mathjax` package from PyPI, or Debian's
  `libjs-mathjax`) copied into `_docs_html/mathjax/`; without either, the CDN's (and a note says so);
- markdown tables whose cells hold `|` inside code spans (or an escaped `\\|`) render as tables;
- a widget output with no saved state (nbdev_clean drops it) becomes a note to run the notebook in Jupyter.

README.md's links work where it is read, in the repository: a symbol or page link goes to the notebook
(`nbs/04_model.ipynb`), as does a chapter named in backticks; a link relative to `nbs/` is made relative to the root.

`--check` then fails on: a notebook nbdev cannot process (the others still build), a notebook without a page or
missing from the sidebar, an exported symbol without its `show_doc` section, a symbol documented twice on a page, a
page without the sidebar or its previous/next links, a title "Notebook", an intra-site link to a page or anchor that
does not exist, a link to the project's own hosts (on a page or in README.md), a raw markdown link inside a rendered
signature, a README.md link to a file that does not exist, a saved plot not rendered, and a README.md that does not
match `nbs/index.ipynb`. It runs `tools/test_docs.py` first: the helpers' own tests, and the README's Python quick
start run as written from the repository root.

    python tools/docs.py           # build _proc/, _docs_html/ and README.md (and list what --check would fail on)
    python tools/docs.py --check   # build (README.md is compared, not written), and fail on any of the problems above
"""
import argparse, ast, html, inspect, multiprocessing, os, posixpath, re, shutil, sys, warnings
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nbformat, yaml

CDN_MATHJAX = 'https://cdnjs.cloudflare.com/ajax/libs/mathjax/2.7.7/latest.js?config=TeX-AMS_CHTML-full,Safe'

# ---------------------------------------------------------------------------------------------------------------
# nbdev's processing

def _proc_one(o):
    "Process one notebook the way `nbdev_proc_nbs` does; returns (name, error or None, mixed-import cells)"
    import nbdev.serve_drv
    src = o[0]
    with warnings.catch_warnings(record=True) as ws:
        warnings.simplefilter('always')
        try:
            nbdev.serve_drv.main(o)
            err = None
        except Exception as e:
            cause = e.__cause__ or e
            err = f'{type(cause).__name__}: {str(cause).strip().splitlines()[0] if str(cause).strip() else ""}'
            head = str(e).strip().splitlines()[0] if str(e).strip() else ''
            if cause is not e and head:
                err = f'{head.rstrip(" :")} ({err})'
    mixed = [str(w.message).split('---', 1)[1].strip('-\n ') for w in ws
             if 'Found cells containing imports and other code' in str(w.message) and '---' in str(w.message)]
    return src.name, err, mixed

def _importable(f):
    "`f` as an attribute of the module `docs`, so spawned workers can unpickle it (they cannot see `__main__`'s)"
    if f.__module__ != '__main__':
        return f
    sys.path.insert(0, str(Path(__file__).parent))
    import docs
    return getattr(docs, f.__name__)

def proc_nbs(cfg, n_workers=2):
    "Run nbdev's docs processing into `_proc/` notebook by notebook (one broken notebook does not stop the rest)"
    import nbdev.quarto, nbdev.doclinks, nbdev.serve
    from nbdev.doclinks import nbglob
    nbdev.quarto._ensure_quarto = lambda: None  # it would try to download and sudo-install Quarto
    nbdev.quarto.refresh_quarto_yml()           # what `nbdev_proc_nbs` does first: nbdev.yml from settings.ini,
    nbdev.doclinks._build_modidx()              # the symbol index the links come from,
    nbdev.quarto.nbdev_sidebar.__wrapped__(path=cfg.nbs_path)  # sidebar.yml (unless settings.ini's custom_sidebar)
    path, cache = cfg.nbs_path, cfg.config_path/'_proc'
    if cache.exists():
        shutil.rmtree(cache)
    files = nbglob(path, func=Path, file_glob='', file_re='')
    if (path/'_quarto.yml').exists():
        files.append(path/'_quarto.yml')
    jobs = [o for o in (nbdev.serve._proc_file(f, cache=cache, path=path) for f in files) if o]
    ctx = multiprocessing.get_context('spawn')  # as nbdev does outside a notebook
    with ProcessPoolExecutor(max(1, min(n_workers, len(jobs))), mp_context=ctx) as ex:
        results = list(ex.map(_importable(_proc_one), jobs))
    return cache, results

# ---------------------------------------------------------------------------------------------------------------
# Markdown and HTML fixes

_CODE_SPAN = re.compile(r'(?<!\\)(`+)(.+?)(?<!`)\1(?!`)', re.S)

def _fix_table_row(line):
    "A table row whose code spans hold `|` (or `\\|`): turn those spans into HTML code, so the pipe is no cell edge"
    def span(m):
        body = m.group(2)
        if '|' not in body:
            return m.group(0)
        body = body.replace('\\|', '|')
        if body.startswith(' ') and body.endswith(' ') and body.strip():
            body = body[1:-1]
        return '<code>' + html.escape(body, quote=False).replace('|', '&#124;') + '</code>'
    return _CODE_SPAN.sub(span, line)

def fix_tables(md):
    "Make markdown tables robust: a `|` or `\\|` inside a code span in a table row renders as a pipe"
    lines, out, in_fence = md.split('\n'), [], False
    for i, line in enumerate(lines):
        if re.match(r'\s*(```|~~~)', line):
            in_fence = not in_fence
        is_row = not in_fence and line.lstrip().startswith('|')
        out.append(_fix_table_row(line) if is_row else line)
    return '\n'.join(out)

def slug(text):
    "The id pandoc (so Quarto) gives a heading, keeping a leading `_` as nbdev's symbol links do"
    s = re.sub(r'[^\w\s.-]', '', text.strip(), flags=re.U)
    s = re.sub(r'\s+', '-', s).lower()
    s = re.sub(r'^[^a-z_]+', '', s)
    return s or 'section'

_SHOW_DOC = re.compile(r'^\s*---\s*\n(?:\s*\n)*(?:(?:\[source\]\([^)]*\)(?:\{[^}]*\})?|<a [^>]*>source</a>)\s*\n)?'
                       r'\s*#{2,4} +([^\n]+?)\s*$', re.M)

def show_doc_names(nb):
    "The symbols whose `show_doc` section a processed notebook shows, in order, with the cell index of each"
    found = []
    for i, c in enumerate(nb.cells):
        if c.cell_type != 'code':
            continue
        for o in c.get('outputs', []):
            md = o.get('data', {}).get('text/markdown')
            if md is None:
                continue
            m = _SHOW_DOC.match(''.join(md))
            if m:
                found.append((m.group(1).strip('` '), i))
    return found

# ---------------------------------------------------------------------------------------------------------------
# Links to the project's own addresses
#
# settings.ini's doc_host/doc_baseurl and git_url name where the docs site and the repository would be published;
# nothing is published there. nbdev builds its symbol links (`<doc_host><doc_baseurl>/model.html#x`) and source links
# (`<git_url>/blob/<branch>/llm_scratch/model.py#L42`) from them, so every such link is turned into one that works
# where the text is read: a page of the local site or a file of the repository (relative), or plain text.

def _host_path(url):
    "(host, path, fragment) of an http(s) or protocol-relative URL, host lowercased without `www.`; else None"
    u = url.strip()
    if not re.match(r'^(https?:)?//', u, re.I):
        return None
    s = urlsplit(u if not u.startswith('//') else 'https:' + u)
    host = s.netloc.lower()
    return (host[4:] if host.startswith('www.') else host), s.path, s.fragment

@dataclass
class Hosts:
    "The project's own addresses in settings.ini: docs site (`doc`, `doc_host` + `doc_baseurl`), repository, user"
    doc: str = ''       # where the docs site would be: nbdev's symbol links start with it
    git: str = ''       # `git_url`: nbdev's source links start with it
    doc_host: str = ''  # the docs site's host (a user's GitHub Pages host holds only that user's sites)
    user: str = ''      # the GitHub user or organisation named in both

    @classmethod
    def from_cfg(cls, cfg):
        host = str(cfg.get('doc_host', '')).rstrip('/')
        doc = (host + '/' + str(cfg.get('doc_baseurl', '')).strip('/')).rstrip('/')
        return cls(doc, str(cfg.get('git_url', '')).rstrip('/'), host, str(cfg.get('user', '')))

    def prefixes(self):
        "(host, path) pairs: a URL on one of those hosts under that path is the project's own"
        res = [h[:2] for h in map(_host_path, (self.doc, self.git, self.doc_host)) if h]
        if self.user:
            res += [('github.com', '/' + self.user), (f'{self.user.lower()}.github.io', '')]
        return res

    def is_own(self, url):
        "Does `url` point at the project's docs site or repository (or anywhere under its `user`)?"
        hp = _host_path(url)
        if hp is None:
            return False
        host, path = hp[0], hp[1].lower()
        for h, p in self.prefixes():
            p = p.lower().rstrip('/')
            if host == h and (not p or path == p or path.startswith(p + '/')):
                return True
        return False

    def repo_file(self, url):
        "The repository path and line of a `<git_url>/blob|tree|raw/<branch>/<path>#L<n>` link: (path, line or None)"
        hp, g = _host_path(url), _host_path(self.git)
        if hp is None or g is None or hp[0] != g[0]:
            return None
        base = g[1].rstrip('/')
        if not hp[1].lower().startswith(base.lower() + '/'):
            return None
        m = re.match(r'^(?:blob|tree|raw)/[^/]+/(.+?)/?$', hp[1][len(base) + 1:])
        if m is None:
            return None
        line = re.fullmatch(r'L(\d+)(?:-L\d+)?', hp[2])
        return unquote(m.group(1)), (int(line.group(1)) if line else None)

def rel_file(path, root, from_dir):
    "`root/path` relative to `from_dir` (posix), or None when `path` is not a file or folder of `root`"
    f = (Path(root)/path)
    if '..' in Path(path).parts or Path(path).is_absolute() or not f.exists():
        return None
    return Path(os.path.relpath(f, from_dir)).as_posix()

# a markdown link as nbdev writes it (text without `]`, a target without spaces or parentheses)
_MD_LINK = re.compile(r'(!?)\[([^\]\n]*)\]\(([^()\s]+)\)')

def link_signatures(soup):
    "Turn the raw markdown links that nbdev puts inside `show_doc` code blocks into HTML links; returns how many"
    n = 0
    for pre in soup.select('div.jp-RenderedMarkdown.jp-OutputArea-output pre'):
        for s in list(pre.find_all(string=_MD_LINK)):
            parts, last = [], 0
            for m in _MD_LINK.finditer(s):
                parts.append(s[last:m.start()])
                text = m.group(2)
                ticks = '`' if len(text) > 2 and text[0] == text[-1] == '`' else ''
                a = soup.new_tag('a', href=m.group(3))
                a.string = text.strip('`') if ticks else text
                parts += [ticks, a, ticks]
                last = m.end()
                n += 1
            parts.append(s[last:])
            s.replace_with(*[p for p in parts if not isinstance(p, str) or p])
    return n

# ---------------------------------------------------------------------------------------------------------------
# Pages

@dataclass(eq=False)
class Page:
    stem: str          # notebook name without .ipynb: the page is `{stem}.html`
    title: str
    description: str
    out_file: str      # the page nbdev and Quarto would write (`model.html` for 04_model.ipynb): its links use it
    nb: object = field(repr=False)

    @property
    def href(self):
        return f'{self.stem}.html'

def sidebar_order(nbs_path):
    "Notebook names (without .ipynb) in the order of `sidebar.yml`, sections flattened"
    data = yaml.safe_load((nbs_path/'sidebar.yml').read_text(encoding='utf-8')) or {}
    res = []
    def walk(items):
        for it in items or []:
            if isinstance(it, str):
                res.append(it)
            elif isinstance(it, dict):
                if 'href' in it:
                    res.append(it['href'])
                walk(it.get('contents'))
    walk(data.get('website', {}).get('sidebar', {}).get('contents'))
    return [re.sub(r'\.ipynb$', '', r) for r in res]

def load_page(f):
    "A processed notebook as a `Page`: its front matter becomes a `# title` and `> description` cell"
    nb = nbformat.read(f, as_version=4)
    meta, cells = {}, []
    for c in nb.cells:
        if c.cell_type == 'raw' and c.source.startswith('---') and not meta:
            meta = yaml.safe_load(c.source.strip().strip('-')) or {}
            txt = f"# {meta.get('title', '')}" + (f"\n\n> {meta['description']}" if meta.get('description') else '')
            cells.append(nbformat.v4.new_markdown_cell(txt))
        elif c.cell_type == 'markdown' and re.fullmatch(r'\s*(<!--.*?-->\s*)*', c.source, re.S):
            continue  # nbdev's warning comment
        else:
            cells.append(c)
    nb.cells = cells
    title = str(meta.get('title') or f.stem)
    nb.metadata['title'] = title
    return Page(f.stem, title, str(meta.get('description', '')), str(meta.get('output-file', f'{f.stem}.html')), nb)

# a pandoc link with attributes: nbdev's `[source](url){...}`
_ATTR_LINK = re.compile(r'(\[[^\]]*\]\([^)\s]*\))\{[^}]*\}')

WIDGET_NOTE = ('<p class="widget-note">An interactive widget shows here when the notebook runs in Jupyter '
               '(a static page cannot run it).</p>')

def _prepare(nb):
    "Do what Quarto would: hide `#| echo: false` inputs, drop pandoc link attributes; make tables robust"
    state = (nb.metadata.get('widgets') or {}).get('application/vnd.jupyter.widget-state+json', {}).get('state', {})
    for c in nb.cells:
        if c.cell_type == 'markdown':
            c.source = fix_tables(c.source)
        if c.cell_type != 'code':
            continue
        if re.search(r'^#\|\s*echo:\s*false', c.source, re.M):
            c.metadata.setdefault('tags', []).append('remove_input')
        for o in c.get('outputs', []):
            d = o.get('data', {})
            view = d.get('application/vnd.jupyter.widget-view+json')
            if view is not None and view.get('model_id') not in state:  # nothing saved to draw it from
                o['data'] = d = {'text/html': WIDGET_NOTE}
            if 'text/markdown' in d:
                d['text/markdown'] = fix_tables(_ATTR_LINK.sub(r'\1', ''.join(d['text/markdown'])))
    return nb

def find_mathjax():
    "A local MathJax 2 folder (PyPI's jupyter-server-mathjax, or Debian's libjs-mathjax), else None"
    try:
        import jupyter_server_mathjax
        p = Path(jupyter_server_mathjax.__file__).parent/'static'
        if (p/'MathJax.js').exists():
            return p
    except ImportError:
        pass
    p = Path('/usr/share/javascript/mathjax')
    return p if (p/'MathJax.js').exists() else None

def install_mathjax(out):
    "Copy a local MathJax into `out/mathjax` (once per source); returns (script URL, extra config HTML, note)"
    src = find_mathjax()
    dst = out/'mathjax'
    if src is None:
        if dst.exists():
            shutil.rmtree(dst)
        return CDN_MATHJAX, '', ('note: no local MathJax '
                                 '(pip install jupyter-server-mathjax, or apt-get install libjs-mathjax): '
                                 'math is typeset by the CDN\'s MathJax, so offline it shows as TeX')
    stamp = f'{src.resolve()} {(src/"MathJax.js").stat().st_mtime}'
    if not (dst/'.source').exists() or (dst/'.source').read_text() != stamp:
        if dst.exists():
            shutil.rmtree(dst)
        # Image fonts are for browsers from before web fonts: thousands of files nobody loads
        shutil.copytree(src, dst, ignore=shutil.ignore_patterns('png', '*.png', 'unpacked', '__pycache__'))
        (dst/'.source').write_text(stamp)
    conf = next((c for c in ('TeX-AMS_CHTML-full', 'TeX-AMS-MML_HTMLorMML-full', 'TeX-AMS_HTML-full')
                 if (dst/'config'/f'{c}.js').exists()), 'TeX-AMS-MML_HTMLorMML-full')
    extra = ''
    if not (dst/'fonts/HTML-CSS/TeX').exists() and (dst/'fonts/HTML-CSS/STIX-Web').exists():
        # jupyter-server-mathjax ships only the STIX web fonts (as Jupyter configures it): say so, or it looks for TeX's
        extra = ('<script type="text/x-mathjax-config">MathJax.Hub.Config({"HTML-CSS": {availableFonts: [], '
                 'preferredFont: null, webFont: "STIX-Web", imageFont: null}, SVG: {font: "STIX-Web"}});</script>')
    return f'mathjax/MathJax.js?config={conf},Safe', extra, f'math: local MathJax ({conf}) from {src}'

SITE_CSS = """
body.jp-Notebook { margin: 0; padding: 0; }
.site-sidebar { position: fixed; top: 0; left: 0; bottom: 0; width: 250px; overflow-y: auto; box-sizing: border-box;
  padding: 1.2rem 0.8rem; background: #f6f7f9; border-right: 1px solid #dde1e6;
  font: 14px/1.35 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
.site-sidebar .site-title { display: block; font-weight: 600; font-size: 18px; color: #222; text-decoration: none;
  margin: 0 0.4rem 1rem; }
.site-sidebar ol { list-style: none; margin: 0; padding: 0; }
.site-sidebar li a { display: block; padding: 0.35rem 0.5rem; border-radius: 4px; color: #333; text-decoration: none; }
.site-sidebar li a:hover { background: #e8ebef; }
.site-sidebar li a.active { background: #2c6fbb; color: #fff; }
.site-sidebar .nb { display: block; font: 11px/1.3 ui-monospace, SFMono-Regular, Menlo, monospace; opacity: 0.7; }
body.jp-Notebook > main, .page-nav { margin-left: 270px; max-width: 1100px; box-sizing: border-box; }
body.jp-Notebook > main { padding: 1rem 1rem 0 1rem; }
.page-nav { display: flex; justify-content: space-between; gap: 1rem; padding: 1.5rem 1rem 3rem 1rem;
  border-top: 1px solid #dde1e6; margin-top: 2rem; font: 15px/1.35 system-ui, -apple-system, "Segoe UI", sans-serif; }
.page-nav a { display: block; max-width: 48%; padding: 0.6rem 0.9rem; border: 1px solid #dde1e6; border-radius: 6px;
  text-decoration: none; color: #2c6fbb; }
.page-nav a:hover { background: #f0f4fa; }
.page-nav a small { display: block; color: #666; font-size: 12px; }
.page-nav .next { margin-left: auto; text-align: right; }
.jp-RenderedHTMLCommon a code { color: inherit; }
a.source-link { float: right; font-size: smaller; }
.widget-note { margin: 0.3rem 0; padding: 0.5rem 0.8rem; border-left: 3px solid #2c6fbb; background: #f0f4fa;
  font-style: italic; }
.jp-RenderedMarkdown pre { background: #f6f8fa; padding: 0.6rem 0.8rem; border-radius: 4px; overflow-x: auto; }
@media (max-width: 900px) {
  .site-sidebar { position: static; width: auto; border-right: none; border-bottom: 1px solid #dde1e6; }
  body.jp-Notebook > main, .page-nav { margin-left: 0; }
}
"""

def _sidebar_html(pages, cur, site_title):
    active = ' class="active" aria-current="page"'
    items = ''.join(f'<li><a href="{p.href}"{active if p is cur else ""}>'
                    + ('' if p.stem == 'index' else f'<span class="nb">{html.escape(p.stem)}</span>')
                    + f'{html.escape(p.title)}</a></li>' for p in pages)
    return (f'<nav class="site-sidebar" aria-label="Chapters"><a class="site-title" href="index.html">'
            f'{html.escape(site_title)}</a><ol>{items}</ol></nav>')

def _page_nav_html(prev, nxt):
    links = ''
    if prev:
        links += (f'<a class="prev" rel="prev" href="{prev.href}"><small>&larr; Previous</small>'
                  f'{html.escape(prev.title)}</a>')
    if nxt:
        links += f'<a class="next" rel="next" href="{nxt.href}"><small>Next &rarr;</small>{html.escape(nxt.title)}</a>'
    return f'<nav class="page-nav" aria-label="Previous and next chapter">{links}</nav>'

def local_href(href, base, site_map):
    "Where `href` points in our site (`04_model.html#x`), or None for a link off the site; base is the site URL"
    u = href.strip()
    on_site = bool(base) and (u == base or u.startswith(base + '/') or u.startswith(base + '#'))
    if on_site:
        u = u[len(base):].lstrip('/')
    elif re.match(r'^[a-zA-Z][a-zA-Z0-9+.-]*:|^//', u):
        return None
    path, sep, frag = u.partition('#')
    path = re.sub(r'^\./', '', path)
    if path == '' and not on_site:
        return u or None     # `#anchor` on this page
    if path not in site_map and (path + '.html') in site_map:
        path += '.html'
    return site_map.get(path, path) + (sep + frag)

def _drop_link(a, whole=False):
    "Unlink `a` (keep its text), or with `whole` remove it and a paragraph it leaves empty"
    if not whole:
        a.unwrap()
        return
    parent = a.parent
    a.decompose()
    if parent is not None and parent.name == 'p' and not parent.get_text(strip=True) and not parent.find(True):
        parent.decompose()

def postprocess(page_html, page, pages, site_map, base, site_title, head_extra='', hosts=None, root=None, out=None,
                css=''):
    """Ids, links, chapter links, sidebar and previous/next for one rendered page; links to the project's own `hosts`
    go to the repository's files (relative to `out`, the page's folder, from `root`) or are unlinked"""
    from bs4 import BeautifulSoup
    soup = BeautifulSoup(page_html, 'html.parser')
    seen, renamed = set(), {}
    for h in soup.find_all(re.compile(r'^h[1-6]$')):
        for a in h.find_all('a', class_='anchor-link'):
            a.extract()
        new = base_id = slug(h.get_text())
        k = 0
        while new in seen:
            k += 1
            new = f'{base_id}-{k}'
        seen.add(new)
        if h.get('id'):
            renamed['#' + h['id']] = '#' + new
        h['id'] = new
        a = soup.new_tag('a', href='#' + new, attrs={'class': 'anchor-link'})
        a.string = '\u00b6'
        h.append(a)
    link_signatures(soup)  # nbdev's raw markdown links inside signatures, made links before they are made local
    for a in soup.find_all('a', href=True):
        href = a['href']
        if href in renamed:
            a['href'] = renamed[href]
            continue
        new = local_href(href, base, site_map)
        if new is not None:
            a['href'] = new
            continue
        if hosts is None or not hosts.is_own(href):
            continue
        # nbdev's link to a symbol's source (at the right, as in Quarto), or another link into the repository
        source = a.get_text().strip() == 'source'
        f = hosts.repo_file(href)
        rel = rel_file(f[0], root, out) if f and root is not None and out is not None else None
        if rel is None:
            _drop_link(a, whole=source)
            continue
        a['href'] = rel
        if f[1]:
            a['title'] = f'{f[0]}, line {f[1]}'
        if source:
            a['class'] = 'source-link'
            a['target'] = '_blank'
    chapters = {p.stem: p for p in pages}
    for code in soup.find_all('code'):
        name = re.sub(r'\.ipynb$', '', code.get_text())
        p = chapters.get(name)
        if p is None or p is page or code.find_parent(['a', 'pre']) is not None:
            continue
        code.wrap(soup.new_tag('a', href=p.href))
    for s in soup.find_all('script', src=re.compile(r'require\.js|require\.min\.js')):
        s.decompose()  # no widgets here
    style = soup.new_tag('style')
    style.string = SITE_CSS + css
    soup.head.append(style)
    if head_extra:
        mj = soup.find('script', src=re.compile('MathJax'))
        (mj.insert_before if mj else soup.head.append)(BeautifulSoup(head_extra, 'html.parser'))
    i = pages.index(page)
    soup.body.insert(0, BeautifulSoup(_sidebar_html(pages, page, site_title), 'html.parser'))
    prev, nxt = (pages[i-1] if i > 0 else None), (pages[i+1] if i+1 < len(pages) else None)
    soup.body.append(BeautifulSoup(_page_nav_html(prev, nxt), 'html.parser'))
    return soup

def drop_dead_private_links(soups):
    "Unlink nbdev's links to private symbols (`_name`) that have no section to land on; returns how many"
    ids = {href: {t['id'] for t in soup.find_all(id=True)} for href, soup in soups.items()}
    n = 0
    for href, soup in soups.items():
        for a in soup.find_all('a', href=True):
            path, _, frag = a['href'].partition('#')
            target = path or href
            if (frag and target in ids and frag not in ids[target]
                    and frag.split('.')[-1].startswith('_') and a.find('code')):
                a.unwrap()
                n += 1
    return n

def render_site(proc, out, order, cfg):
    "Render the processed notebooks in sidebar order to `out`; returns (pages, notes)"
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor
    out.mkdir(exist_ok=True)
    mathjax_url, mathjax_extra, note = install_mathjax(out)
    exp = HTMLExporter(embed_images=True, exclude_input_prompt=True, exclude_output_prompt=True,
                       mathjax_url=mathjax_url)
    exp.register_preprocessor(TagRemovePreprocessor(remove_input_tags={'remove_input'}), enabled=True)
    pages = [load_page(proc/f'{s}.ipynb') for s in dict.fromkeys(order) if (proc/f'{s}.ipynb').exists()]
    from nbdev.doclinks import _nbpath2html
    site_map = {}
    for stem in order:  # every chapter, even one whose processing failed, so links name the page that is missing
        site_map.update({_nbpath2html(Path(f'{stem}.ipynb')).name: f'{stem}.html', f'{stem}.ipynb': f'{stem}.html'})
    for p in pages:
        site_map.update({p.out_file: p.href, f'{p.stem}.ipynb': p.href, p.href: p.href})
    site_map[''] = 'index.html'
    hosts = Hosts.from_cfg(cfg)
    base = hosts.doc
    css = (cfg.nbs_path/'styles.css').read_text(encoding='utf-8') if (cfg.nbs_path/'styles.css').exists() else ''
    for f in out.glob('*.html'):
        if f.stem not in {p.stem for p in pages}:
            f.unlink()  # a page of a renamed or removed notebook
    soups = {}
    for p in pages:
        body, _ = exp.from_notebook_node(_prepare(p.nb))
        soups[p.href] = postprocess(body, p, pages, site_map, base, cfg.get('title', cfg.lib_name), mathjax_extra,
                                    hosts=hosts, root=cfg.config_path, out=out, css='\n/* nbs/styles.css */\n' + css)
    n = drop_dead_private_links(soups)
    for href, soup in soups.items():
        (out/href).write_text(str(soup), encoding='utf-8')
    return pages, [note, f'unlinked {n} mention(s) of private names, which have no section to link to']

def _outside_fences(md, fn):
    "Apply `fn` to each line of `md` outside fenced code blocks"
    lines, in_fence = md.split('\n'), False
    for i, line in enumerate(lines):
        if re.match(r'\s*(```|~~~)', line):
            in_fence = not in_fence
        elif not in_fence:
            lines[i] = fn(line)
    return '\n'.join(lines)

def readme_target(url, hosts, root, pages, nbs_dir='nbs'):
    """Where a link of `nbs/index.ipynb` should point in README.md at the repository's root: a notebook for a page of
    the docs site (`nbs/04_model.ipynb`), a repository file (relative), the link itself when it is external; None:
    unlink. `pages` maps the names a page goes by (`model.html`, `04_model.html`, `04_model.ipynb`) to its stem"""
    if url.startswith('#') or (re.match(r'^[a-zA-Z][a-zA-Z0-9+.-]*:', url) and _host_path(url) is None):
        return url  # an anchor of the README, mailto: ...
    hp = _host_path(url)
    if hp is not None and not hosts.is_own(url):
        return url  # somewhere else on the web
    if hp is not None:
        site = local_href(url, hosts.doc, {})
        if site is not None:  # a page of the docs site: its notebook (GitHub shows a notebook without its anchors)
            stem = pages.get(unquote(site.partition('#')[0]) or 'index.html')
            return None if stem is None else ('README.md' if stem == 'index' else f'{nbs_dir}/{stem}.ipynb')
        f = hosts.repo_file(url)
        return rel_file(f[0], root, root) if f else None
    path, sep, frag = url.partition('#')  # relative: to the notebook's folder
    stem = pages.get(unquote(path))
    if stem is not None:
        return 'README.md' if stem == 'index' else f'{nbs_dir}/{stem}.ipynb'
    return posixpath.normpath(posixpath.join(nbs_dir, path)) + sep + frag

def readme_links(md, hosts, root, pages, nbs_dir='nbs'):
    """Make README.md's links work where it is read, in the repository: see `readme_target`; and a chapter named in
    backticks (`04_model`) links to its notebook"""
    def link(m):
        bang, text, url = m.groups()
        new = readme_target(url, hosts, root, pages, nbs_dir)
        return text if new is None and not bang else f'{bang}[{text}]({url if new is None else new})'
    def chapter(m):
        stem = m.group(1)
        return f'[`{stem}`]({nbs_dir}/{stem}.ipynb)' if stem in pages.values() and stem != 'index' else m.group(0)
    def line(ln):
        out, last = [], 0
        for m in _MD_LINK.finditer(ln):
            out += [_CODE_NAME.sub(chapter, ln[last:m.start()]), link(m)]
            last = m.end()
        return ''.join(out + [_CODE_NAME.sub(chapter, ln[last:])])
    return _outside_fences(md, line)

_CODE_NAME = re.compile(r'(?<!`)`([\w.-]+)`(?!`)')

def readme_pages(nbs):
    "The names each notebook's page goes by (nbdev's `model.html`, `04_model.html`, `04_model.ipynb`) -> its stem"
    from nbdev.doclinks import _nbpath2html
    res = {}
    for f in sorted(Path(nbs).glob('*.ipynb')):
        if not f.name.startswith(('_', '.')):
            res.update({_nbpath2html(Path(f.name)).name: f.stem, f'{f.stem}.html': f.stem, f.name: f.stem})
    return res

def readme_text(proc, cfg):
    "README.md as rendered from the processed `readme_nb`, its links made to work in the repository"
    from nbconvert import MarkdownExporter
    nb = load_page(proc/cfg.readme_nb).nb
    nb.cells = [c for c in nb.cells if 'AUTOGENERATED' not in c.source]  # nbdev's marker; ours is below
    nb.metadata['language_info'] = {'name': 'python'}  # code blocks as ```python
    md, _ = MarkdownExporter(exclude_input_prompt=True, exclude_output_prompt=True).from_notebook_node(nb)
    root = Path(cfg.config_path)
    md = readme_links(md, Hosts.from_cfg(cfg), root, readme_pages(cfg.nbs_path),
                      Path(os.path.relpath(cfg.nbs_path, root)).as_posix())
    head = '<!-- Generated from nbs/index.ipynb by tools/docs.py: do not edit by hand. -->\n\n'
    return head + re.sub(r'\n{3,}', '\n\n', md).strip() + '\n'

def quick_start(md):
    "The first ```python block under the README's `## Quick start` heading"
    m = re.search(r'^## Quick start[^\n]*\n(.*?)^```python\n(.*?)^```', md, re.M | re.S)
    if m is None or re.search(r'^## ', m.group(1), re.M):
        raise ValueError('README.md has no ```python block under a "## Quick start" heading')
    return m.group(2)

# ---------------------------------------------------------------------------------------------------------------
# Checks

class _PageScan(HTMLParser):
    "What the checks need from a written page: title, ids, links, navigation, image and code counts"
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.title, self.ids, self.links, self.navs, self.imgs = '', [], [], {}, 0
        self.headings, self._in, self._nav, self._h = [], None, None, None
        self.md_pres, self._divs, self._pre = [], [], None  # code blocks of markdown outputs (`show_doc` signatures)
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == 'div':
            cls = (a.get('class') or '').split()
            self._divs.append('jp-RenderedMarkdown' in cls and 'jp-OutputArea-output' in cls)
        if tag == 'pre' and any(self._divs) and self._pre is None:
            self._pre = ''
        if a.get('id'):
            self.ids.append(a['id'])
        if tag == 'a' and a.get('name'):
            self.ids.append(a['name'])
        if tag == 'title':
            self._in = 'title'
        if tag == 'img':
            self.imgs += 1
        if tag == 'nav':
            self._nav = a.get('class', '')
            self.navs.setdefault(self._nav, [])
        if tag == 'a' and 'href' in a:
            self.links.append(a['href'])
            if self._nav is not None:
                self.navs[self._nav].append((a['href'], a.get('class', ''), a.get('rel', '')))
        if re.fullmatch(r'h[1-6]', tag):
            self._h = [a.get('id', ''), '']
    def handle_endtag(self, tag):
        if tag == 'div' and self._divs:
            self._divs.pop()
        if tag == 'pre' and self._pre is not None:
            self.md_pres.append(self._pre)
            self._pre = None
        if tag == 'title':
            self._in = None
        if tag == 'nav':
            self._nav = None
        if re.fullmatch(r'h[1-6]', tag) and self._h:
            self.headings.append(tuple(self._h))
            self._h = None
    def handle_data(self, data):
        if self._pre is not None:
            self._pre += data
        if self._in == 'title':
            self.title += data
        if self._h is not None:
            self._h[1] += data

def scan(path):
    s = _PageScan()
    s.feed(path.read_text(encoding='utf-8'))
    return s

def check_site(out, order, base='', hosts=None):
    """Problems with the written site in `out`, pages expected in `order`: navigation, titles, links (broken, or to the
    project's own `hosts`, where nothing is published), ids, raw markdown in signatures"""
    problems, scans = [], {}
    for stem in order:
        f = out/f'{stem}.html'
        if f.exists():
            scans[stem] = scan(f)
    for i, stem in enumerate(order):
        s = scans.get(stem)
        if s is None:
            continue
        name = f'{stem}.html'
        if not s.title.strip() or s.title.strip() == 'Notebook':
            problems.append(f'{name}: page title is {s.title.strip()!r}')
        side = s.navs.get('site-sidebar', [])
        hrefs = [h for h, c, _ in side if 'site-title' not in c.split()]
        if not side:
            problems.append(f'{name}: no sidebar')
        else:
            want = [f'{o}.html' for o in order if o in scans]
            if hrefs != want:
                problems.append(f'{name}: sidebar lists {hrefs}, not the chapters in sidebar.yml order')
            active = [h for h, c, _ in side if 'active' in c.split()]
            if active != [name]:
                problems.append(f'{name}: sidebar marks {active or "nothing"} as the current page')
        pn = s.navs.get('page-nav', [])
        rels = {r: h for h, _, r in pn}
        present = [o for o in order if o in scans]
        j = present.index(stem)
        want_prev = f'{present[j-1]}.html' if j > 0 else None
        want_next = f'{present[j+1]}.html' if j+1 < len(present) else None
        if rels.get('prev') != want_prev:
            problems.append(f'{name}: previous link is {rels.get("prev")}, expected {want_prev}')
        if rels.get('next') != want_next:
            problems.append(f'{name}: next link is {rels.get("next")}, expected {want_next}')
        dup = sorted({x for x in s.ids if s.ids.count(x) > 1})
        if dup:
            problems.append(f'{name}: duplicate ids {dup}')
        for pre in s.md_pres:
            for m in _MD_LINK.finditer(pre):
                problems.append(f'{name}: raw markdown link {m.group(0)} in a rendered signature')
    for stem, s in scans.items():
        for href in s.links:
            if base and (href == base or href.startswith(base + '/')):
                problems.append(f'{stem}.html: link {href} points at the online site, not a page here')
                continue
            if hosts is not None and hosts.is_own(href):
                problems.append(f'{stem}.html: link {href} points at the project\'s own host from settings.ini, '
                                'where nothing is published: link the page or the repository file instead')
                continue
            if re.match(r'^[a-zA-Z][a-zA-Z0-9+.-]*:|^//', href):
                continue
            path, _, frag = href.partition('#')
            target = stem if path == '' else re.sub(r'\.html$', '', unquote(path))
            if target not in scans:
                if not (out/unquote(path)).exists():
                    problems.append(f'{stem}.html: broken link {href}')
                continue
            if frag and unquote(frag) not in scans[target].ids:
                problems.append(f'{stem}.html: broken link {href} (no id {unquote(frag)!r} on {target}.html)')
    return problems

def check_readme(md, hosts, root):
    "Problems with README.md's text: an address on the project's own hosts, a relative link to no file"
    problems = []
    for u in sorted(set(re.findall(r'(?:https?:)?//[^\s)<>\]"\'`]+', md))):
        if hosts.is_own(u):
            problems.append(f'README.md: {u} points at the project\'s own host from settings.ini, where nothing is '
                            'published: link the notebook or file in the repository instead')
    def links(line):
        for m in _MD_LINK.finditer(line):
            url = m.group(3)
            path = unquote(url.partition('#')[0])
            if not re.match(r'^[a-zA-Z][a-zA-Z0-9+.-]*:|^//|^#', url) and path and not (Path(root)/path).exists():
                problems.append(f'README.md: broken link {url} (no {path} in the repository)')
        return line
    _outside_fences(md, links)
    return problems

def check_pages(cfg, pages, order, proc_results, out):
    "Problems with the notebooks' pages: missing pages, `show_doc` tables missing or twice, plots not rendered"
    from importlib import import_module
    problems = [f'{name}: nbdev_proc_nbs failed: {err}' for name, err, _ in proc_results if err]
    nbs = cfg.nbs_path
    notebooks = sorted(f.stem for f in nbs.glob('*.ipynb') if not f.name.startswith(('_', '.')))
    for stem in notebooks:
        if stem not in order:
            problems.append(f'{stem}.ipynb: not in nbs/sidebar.yml')
    for stem in order:
        if not (nbs/f'{stem}.ipynb').exists():
            problems.append(f'nbs/sidebar.yml: lists {stem}.ipynb, which does not exist')
    for stem in sorted({o for o in order if order.count(o) > 1}):
        problems.append(f'nbs/sidebar.yml: lists {stem}.ipynb twice')
    q = yaml.safe_load((nbs/'_quarto.yml').read_text(encoding='utf-8')) if (nbs/'_quarto.yml').exists() else {}
    if 'sidebar.yml' not in (q or {}).get('metadata-files', []):
        problems.append('nbs/_quarto.yml: metadata-files does not list sidebar.yml, '
                        'so a Quarto build would not get its order')
    by_stem = {p.stem: p for p in pages}
    for stem in notebooks:
        page = by_stem.get(stem)
        if page is None:
            problems.append(f'{stem}.ipynb: no HTML page')
            continue
        src = nbformat.read(nbs/f'{stem}.ipynb', as_version=4)
        s = scan(out/page.href)
        heads = {t.replace('\u00b6', '').strip() for _, t in s.headings}
        m = re.search(r'^#\|\s*default_exp\s+(\S+)',
                      '\n'.join(c.source for c in src.cells if c.cell_type == 'code'), re.M)
        if m and (Path(cfg.lib_path)/f"{m.group(1).replace('.', '/')}.py").exists():
            mod = import_module(f'{cfg.lib_name}.{m.group(1)}')
            for sym in getattr(mod, '__all__', []):
                obj = getattr(mod, sym, None)  # nbdev documents functions and classes, not constants
                if (not (inspect.isfunction(obj) or inspect.isclass(obj))
                        or getattr(obj, '__module__', None) != mod.__name__):
                    continue
                if sym not in heads:
                    problems.append(f'{stem}.ipynb: no show_doc section for `{sym}`')
        names = show_doc_names(page.nb)
        for sym in sorted({n for n, _ in names if [x for x, _ in names].count(n) > 1}):
            explicit = [i for i, c in enumerate(src.cells)
                        if c.cell_type == 'code' and re.search(rf'show_doc\(\s*{re.escape(sym)}\s*[,)]', c.source)]
            where = (f' (explicit show_doc in cell {", ".join(map(str, explicit))} of nbs/{stem}.ipynb)' if explicit
                     else '')
            problems.append(f'{stem}.ipynb: `{sym}` is documented {[x for x, _ in names].count(sym)} times{where}')
        n_img = sum(1 for c in src.cells if c.cell_type == 'code' for o in c.get('outputs', [])
                    if 'image/png' in o.get('data', {}) or 'image/svg+xml' in o.get('data', {}))
        if s.imgs < n_img:
            problems.append(f'{stem}.ipynb: {n_img} plots saved, {s.imgs} images rendered')
    return problems

def outputs_summary(pages):
    "How many cells of each page show an output (information: which chapters a reader sees results in)"
    res = []
    for p in pages:
        n = sum(1 for c in p.nb.cells if c.cell_type == 'code' and c.get('outputs')
                and not all(show_doc_like(o) for o in c.outputs))
        res.append(f'{p.stem} {n}')
    return 'cells with outputs (show_doc aside): ' + ', '.join(res)

def show_doc_like(o):
    md = o.get('data', {}).get('text/markdown')
    return md is not None and bool(_SHOW_DOC.match(''.join(md)))

def mixed_cells(nb_path, mixed):
    "Indices of the cells of the notebook whose code nbdev reported as mixing imports with other code"
    cells = [c.source for c in nbformat.read(nb_path, as_version=4).cells]
    res = []
    for m in mixed:
        first = next((ln.strip() for ln in m.splitlines() if ln.strip()), '')
        res.append(next((str(i) for i, c in enumerate(cells) if first and first in c), f'?({first[:40]})'))
    return ', '.join(res)

def flagged_imports(nb_path, flags):
    """Cells flagged with one of the test flags `flags` (e.g. `#| slow`) that import something. nbdev runs every
    cell with an import to build the docs, flags or not, and the docs build has only the dev requirements: a slow
    test's browser driver, say, is not there. Returns 'cell N (#| flag)' for each."""
    res = []
    for i, c in enumerate(nbformat.read(nb_path, as_version=4).cells):
        if c.cell_type != 'code':
            continue
        heads = [ln for ln in c.source.splitlines() if ln.startswith('#|')]   # nbdev's directives
        found = [f for f in flags if any(re.match(rf'#\|\s*{re.escape(f)}\s*$', h) for h in heads)]
        if not found:
            continue
        try:
            tree = ast.parse('\n'.join(ln for ln in c.source.splitlines() if not ln.lstrip().startswith(('%', '!'))))
        except SyntaxError:
            continue
        if any(isinstance(n, (ast.Import, ast.ImportFrom)) for n in ast.walk(tree)):
            res.append(f'cell {i} (#| {found[0]})')
    return res

def self_test():
    "Run tools/test_docs.py (this file's own tests); returns the failures"
    sys.path.insert(0, str(Path(__file__).parent))
    import test_docs
    return test_docs.run()

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--check', action='store_true', help='fail if README.md is stale or the site has a problem')
    ap.add_argument('--workers', type=int, default=2, help="processes for nbdev's notebook processing (default 2)")
    args = ap.parse_args()
    # no __pycache__ in tools/ or llm_scratch/ from this run (nor from the processes it starts): it leaves only
    # _proc/, _docs_html/ and README.md behind
    sys.dont_write_bytecode = True
    os.environ['PYTHONDONTWRITEBYTECODE'] = '1'
    problems = []
    if args.check:
        fails = self_test()
        problems += [f'tools/test_docs.py: {f}' for f in fails]
    from nbdev.config import get_config
    cfg = get_config()
    root = cfg.config_path
    proc, results = proc_nbs(cfg, args.workers)
    for name, _, mixed in results:
        if mixed:
            print(f'note: {name}: nbdev runs cell(s) {mixed_cells(cfg.nbs_path/name, mixed)} to build the docs '
                  '(imports mixed with other code)')
    flags = str(cfg.get('tst_flags', '')).split()
    for nb in sorted(cfg.nbs_path.glob('*.ipynb')):
        for where in flagged_imports(nb, flags):
            problems.append(f'{nb.name}: {where} holds an import statement, so nbdev runs it to build the docs, '
                            'where what the flag needs may be missing: import the standard library in an import '
                            'cell and the rest with importlib.import_module inside the functions')
    order = sidebar_order(cfg.nbs_path)
    out = root/'_docs_html'
    pages, notes = render_site(proc, out, order, cfg)
    for n in notes:
        print(n)
    hosts = Hosts.from_cfg(cfg)
    problems += check_pages(cfg, pages, order, results, out)
    problems += check_site(out, [p.stem for p in pages], hosts.doc, hosts)
    print(outputs_summary(pages))
    readme, did = root/'README.md', f'rendered {len(pages)} pages to {os.path.relpath(out, Path.cwd())}/'
    if (proc/cfg.readme_nb).exists():
        new = readme_text(proc, cfg)
        problems += check_readme(new, hosts, root)
        if args.check:
            if not readme.exists() or readme.read_text(encoding='utf-8') != new:
                problems.append('README.md does not match nbs/index.ipynb: run `python tools/docs.py` and commit it')
        else:
            changed = not readme.exists() or readme.read_text(encoding='utf-8') != new
            readme.write_text(new, encoding='utf-8')
            did += f' and {"wrote" if changed else "kept (unchanged)"} {os.path.relpath(readme, Path.cwd())}'
    else:
        problems.append(f'{cfg.readme_nb}: not processed, so README.md was not checked or written')
    print(f'{did} (open {out/"index.html"})')
    if args.check:
        if problems:
            print('docs check failed:\n  ' + '\n  '.join(problems), file=sys.stderr)
            sys.exit(1)
        print('docs check passed')
    elif problems:
        print(f'{len(problems)} problem(s) that `python tools/docs.py --check` fails on:\n  ' + '\n  '.join(problems),
              file=sys.stderr)

if __name__ == '__main__':
    main()
