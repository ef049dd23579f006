"""Tests of tools/docs.py's helpers: tables, heading ids, link rewriting, and that its site check catches problems;
and the README's Python quick start, run as written from the repository root.

Run by `python tools/docs.py --check` (or `python tools/test_docs.py`); plain asserts, no test runner needed.
"""
import os, re, subprocess, sys, tempfile, time, traceback
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).parent))
import docs

def _md(text):
    from nbconvert.filters.markdown_mistune import markdown2html_mistune
    return markdown2html_mistune(text)

def test_table_with_pipes_in_code():
    for cell in ('`<\\|endoftext\\|>`', '`<|endoftext|>`'):
        out = _md(docs.fix_tables(f'| name | meaning |\n|---|---|\n| {cell} | end of text |\n'))
        assert '<table>' in out, out
        assert '<td><code>&lt;|endoftext|&gt;</code></td>' in out, out
    # an escaped pipe outside code is mistune's own business, and stays a pipe
    assert '<td>x | y</td>' in _md(docs.fix_tables('| a |\n|---|\n| x \\| y |\n'))

def test_tables_leave_other_text_alone():
    src = 'text with `a|b` in code\n\n```\n| `x|y` |\n```\n| `plain` | b |'
    got = docs.fix_tables(src).split('\n')
    assert got[0] == 'text with `a|b` in code' and got[3] == '| `x|y` |' and got[5] == '| `plain` | b |', got

def test_slug_matches_nbdev_links():
    assert docs.slug('TransformerLM.num_params') == 'transformerlm.num_params'
    assert docs.slug('A b: c (d)') == 'a-b-c-d'
    assert docs.slug('_backup') == '_backup'
    assert docs.slug('1. Intro') == 'intro'
    assert docs.slug('???') == 'section'

def test_local_href():
    site = {'model.html': '04_model.html', '04_model.ipynb': '04_model.html', '04_model.html': '04_model.html',
            '': 'index.html'}
    base = 'https://x.github.io/proj'
    assert docs.local_href(f'{base}/model.html#transformerlm', base, site) == '04_model.html#transformerlm'
    assert docs.local_href(f'{base}/', base, site) == 'index.html'
    assert docs.local_href('04_model.ipynb#x', base, site) == '04_model.html#x'
    assert docs.local_href('#here', base, site) == '#here'
    assert docs.local_href('https://github.com/x/y', base, site) is None
    assert docs.local_href('https://x.github.io/projother/a.html', base, site) is None

def _page(stem, title, cells):
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata['title'] = title
    return docs.Page(stem, title, '', f'{stem.split("_", 1)[-1]}.html', nb)

HOSTS = docs.Hosts('https://x.github.io/proj', 'https://github.com/x/proj', 'https://x.github.io', 'x')

def _show_doc(name, src, comment):
    "A `show_doc` output as nbdev writes it: source link with pandoc attributes, heading, signature"
    return nbformat.v4.new_output('display_data', data={'text/markdown': (
        f'---\n\n[source](https://github.com/x/proj/blob/main/{src}){{target="_blank" style="float:right"}}\n\n'
        f'### {name}\n\n```python\ndef {name}(\n    a:int, # {comment}\n)\n```\n\n*Do it*')})

def _site(root):
    "Two pages through the real render and postprocess, as render_site writes them, into `root/_site`; the output dir"
    from nbconvert import HTMLExporter
    out = root/'_site'
    out.mkdir()
    (root/'pkg').mkdir()
    (root/'pkg'/'mod.py').write_text('def f(a): pass\n')
    base = HOSTS.doc
    a = _page('index', 'Home', [nbformat.v4.new_markdown_cell(
        '# Home\n\nSee `01_model` and [`M`](https://x.github.io/proj/model.html#m), '
        '[`_p`](https://x.github.io/proj/model.html#_p), [the repo](https://github.com/x/proj).')])
    b = _page('01_model', 'The model', [
        nbformat.v4.new_markdown_cell('# The model\n\n## M\n\nBack to [home](index.ipynb).'),
        nbformat.v4.new_code_cell('', outputs=[_show_doc('f', 'pkg/mod.py#L1',
                                                         'like [`M`](https://x.github.io/proj/model.html#m)')]),
        nbformat.v4.new_code_cell('', outputs=[_show_doc('g', 'pkg/gone.py#L9', 'plain')])])
    pages = [a, b]
    site = {'model.html': '01_model.html', '01_model.ipynb': '01_model.html', '01_model.html': '01_model.html',
            'index.html': 'index.html', 'index.ipynb': 'index.html', '': 'index.html'}
    exp = HTMLExporter(exclude_input_prompt=True, exclude_output_prompt=True, mathjax_url='mathjax/MathJax.js')
    soups = {}
    for p in pages:
        body, _ = exp.from_notebook_node(docs._prepare(p.nb))
        soups[p.href] = docs.postprocess(body, p, pages, site, base, 'proj', hosts=HOSTS, root=root, out=out,
                                         css='.x { color: red; }')
    assert docs.drop_dead_private_links(soups) == 1
    for href, soup in soups.items():
        (out/href).write_text(str(soup), encoding='utf-8')
    return out

def test_site_check_passes_and_catches():
    with tempfile.TemporaryDirectory() as d:
        d = _site(Path(d))
        base = HOSTS.doc
        assert docs.check_site(d, ['index', '01_model'], base, HOSTS) == []
        idx = (d/'index.html').read_text(encoding='utf-8')
        assert '<title>Home</title>' in idx and '.x { color: red; }' in idx
        assert ('href="01_model.html#m"' in idx and '_p' in idx and '#_p' not in idx
                and 'href="01_model.html"><code>01_model</code>' in idx)
        assert 'the repo' in idx and 'href="https://github.com/x' not in idx  # the unpublished repository: unlinked
        assert 'href="index.html">home' in (d/'01_model.html').read_text(encoding='utf-8')
        # a broken anchor, a link left at the online site, a lost next link, a page titled "Notebook"
        (d/'index.html').write_text(idx.replace('01_model.html#m', '01_model.html#nope')
                                       .replace('rel="next"', 'rel="x"')
                                       .replace('<title>Home</title>', '<title>Notebook</title>')
                                       .replace('</main>', f'<a href="{base}/model.html">x</a></main>'),
                                    encoding='utf-8')
        got = '\n'.join(docs.check_site(d, ['index', '01_model'], base, HOSTS))
        for want in ["no id 'nope'", 'points at the online site', 'next link is None', "title is 'Notebook'"]:
            assert want in got, (want, got)
        (d/'01_model.html').write_text('<html><head><title>The model</title></head><body></body></html>',
                                       encoding='utf-8')
        got = '\n'.join(docs.check_site(d, ['index', '01_model'], base, HOSTS))
        assert '01_model.html: no sidebar' in got and '01_model.html: previous link is None' in got, got

def test_hosts():
    for own in ('https://x.github.io/proj/model.html#m', 'https://X.github.io/other', 'http://github.com/x/proj',
                'https://www.github.com/x/proj/blob/main/a.py', 'https://github.com/X/elsewhere', '//x.github.io/'):
        assert HOSTS.is_own(own), own
    for other in ('https://github.com/xy/proj', 'https://nbdev.fast.ai', 'model.html', '#m', 'mailto:x@github.com',
                  'https://gitlab.com/x/proj'):
        assert not HOSTS.is_own(other), other
    assert HOSTS.repo_file('https://github.com/x/proj/blob/main/pkg/mod.py#L42') == ('pkg/mod.py', 42)
    assert HOSTS.repo_file('https://github.com/x/proj/tree/dev/nbs/') == ('nbs', None)
    assert HOSTS.repo_file('https://github.com/x/proj/issues') is None
    assert HOSTS.repo_file('https://github.com/x/projother/blob/main/a.py') is None

def test_source_and_signature_links():
    "Source links go to the repository's files, relative to the page; raw markdown in a signature becomes a link"
    with tempfile.TemporaryDirectory() as d:
        out = _site(Path(d))
        page = (out/'01_model.html').read_text(encoding='utf-8')
        assert re.search(r'<a class="source-link" href="\.\./pkg/mod\.py" target="_blank" title="pkg/mod\.py, line 1">'
                         r'source</a>', page), page
        assert 'gone.py' not in page and page.count('>source</a>') == 1  # no file to link: no source link
        assert '`<a href="01_model.html#m">M</a>`' in page and '](' not in page, page
        assert docs.check_site(out, ['index', '01_model'], HOSTS.doc, HOSTS) == []

def test_check_fails_on_raw_signature_link_and_own_host():
    "Plant each defect in a rendered page: the site check names it"
    with tempfile.TemporaryDirectory() as d:
        out = _site(Path(d))
        page = (out/'01_model.html').read_text(encoding='utf-8')
        raw = '[`M`](https://x.github.io/proj/model.html#m)'
        planted = page.replace('`<a href="01_model.html#m">M</a>`', raw, 1)
        assert planted != page
        (out/'01_model.html').write_text(planted, encoding='utf-8')
        got = '\n'.join(docs.check_site(out, ['index', '01_model'], HOSTS.doc, HOSTS))
        assert f'01_model.html: raw markdown link {raw} in a rendered signature' in got, got
        for href in ('https://github.com/x/proj/blob/main/pkg/mod.py#L1', 'https://x.github.io/',
                     'https://github.com/x'):
            (out/'01_model.html').write_text(page.replace('href="../pkg/mod.py"', f'href="{href}"'), encoding='utf-8')
            got = '\n'.join(docs.check_site(out, ['index', '01_model'], HOSTS.doc, HOSTS))
            assert f"01_model.html: link {href} points at the project's own host" in got, (href, got)
        # raw markdown in a markdown cell's code block (an author's example) is not a signature
        (out/'01_model.html').write_text(page.replace('</main>', '<div class="jp-RenderedMarkdown"><pre>[a](b)</pre>'
                                                                 '</div></main>'), encoding='utf-8')
        assert docs.check_site(out, ['index', '01_model'], HOSTS.doc, HOSTS) == []

def test_readme_links():
    with tempfile.TemporaryDirectory() as d:
        root = Path(d)
        (root/'nbs').mkdir()
        for f in ('nbs/01_model.ipynb', 'nbs/index.ipynb', 'pkg/mod.py', 'LICENSE'):
            (root/f).parent.mkdir(exist_ok=True)
            (root/f).write_text('')
        pages = docs.readme_pages(root/'nbs')
        assert pages['model.html'] == '01_model' and pages['01_model.ipynb'] == '01_model', pages
        md = ('See [`M`](https://x.github.io/proj/model.html#m) in `01_model` (or [this](01_model.ipynb#m)), '
              '[the source](https://github.com/x/proj/blob/main/pkg/mod.py#L3), '
              '[issues](https://github.com/x/proj/issues), '
              '[home](https://x.github.io/proj/), [nbdev](https://nbdev.fast.ai), [licence](../LICENSE), [up](#top).\n'
              '```python\nx = "[`M`](https://x.github.io/proj/model.html#m) `01_model`"\n```\n'
              '| `01_model` | [`01_model`](01_model.ipynb) |')
        got = docs.readme_links(md, HOSTS, root, pages)
        want = ('See [`M`](nbs/01_model.ipynb) in [`01_model`](nbs/01_model.ipynb) (or [this](nbs/01_model.ipynb)), '
                '[the source](pkg/mod.py), issues, [home](README.md), [nbdev](https://nbdev.fast.ai), '
                '[licence](LICENSE), [up](#top).\n'
                '```python\nx = "[`M`](https://x.github.io/proj/model.html#m) `01_model`"\n```\n'
                '| [`01_model`](nbs/01_model.ipynb) | [`01_model`](nbs/01_model.ipynb) |')
        assert got == want, got
        (root/'README.md').write_text(got)
        assert docs.check_readme(got.split('```')[0], HOSTS, root) == []
        # plant each defect: an address on the project's own hosts (linked or not), a link to no file
        for bad, want in [('[x](https://github.com/x/proj/blob/main/pkg/mod.py)', "points at the project's own host"),
                          ('see https://x.github.io/proj/', "points at the project's own host"),
                          ('[x](nbs/02_gone.ipynb)', 'README.md: broken link nbs/02_gone.ipynb')]:
            got = '\n'.join(docs.check_readme(f'text {bad}\n', HOSTS, root))
            assert want in got, (bad, got)

def test_quick_start_found():
    md = ('# P\n\n## Install\n\n```sh\npip install\n```\n\n'
          '## Quick start in Python\n\nText.\n\n```python\nprint(1)\n```\n')
    assert docs.quick_start(md) == 'print(1)\n'
    for bad in ('## Quick start\n\n## Next\n\n```python\nx\n```\n', '# nothing\n'):
        try:
            docs.quick_start(bad)
        except ValueError:
            continue
        raise AssertionError(f'found a quick start in {bad!r}')

def test_readme_quick_start_runs():
    "The README's Python quick start, run as written from the repository root: it succeeds and writes nothing there"
    root = Path(__file__).resolve().parent.parent
    code = docs.quick_start((root/'README.md').read_text(encoding='utf-8'))
    assert len(code.strip().splitlines()) <= 15, code
    before = sorted(os.listdir(root))
    t0 = time.perf_counter()
    r = subprocess.run([sys.executable, '-c', code], cwd=root, capture_output=True, text=True, timeout=300,
                       env={**os.environ, 'PYTHONDONTWRITEBYTECODE': '1'})
    assert r.returncode == 0, f'exit {r.returncode} after {time.perf_counter() - t0:.0f} s:\n{r.stderr[-3000:]}'
    assert re.match(r'loss \d+\.\d+ -> \d+\.\d+\nOne day', r.stdout), r.stdout
    assert sorted(os.listdir(root)) == before, set(os.listdir(root)) ^ set(before)

def test_duplicate_show_doc_found():
    def sd(n):
        return nbformat.v4.new_output('display_data', data={
            'text/markdown': f'---\n\n[source](https://g/x.py#L1){{target="_blank"}}\n\n'
                             f'### {n}\n\n```python\ndef f():\n```'})
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('', outputs=[sd('TransformerLM.num_params')]),
                                         nbformat.v4.new_code_cell('', outputs=[sd('load_model')]),
                                         nbformat.v4.new_code_cell('', outputs=[sd('TransformerLM.num_params')])])
    want = [('TransformerLM.num_params', 0), ('load_model', 1), ('TransformerLM.num_params', 2)]
    assert docs.show_doc_names(nb) == want
    assert docs.show_doc_names(docs._prepare(nb)) == want  # once the source link is HTML, as on the page
    assert '[source](https://g/x.py#L1)\n' in nb.cells[0].outputs[0].data['text/markdown']  # pandoc attributes dropped

def test_flagged_imports():
    with tempfile.TemporaryDirectory() as d:
        nb = nbformat.v4.new_notebook(cells=[
            nbformat.v4.new_code_cell('import json'),                                   # not flagged
            nbformat.v4.new_code_cell('#| slow\nfrom playwright.sync_api import sync_playwright'),
            nbformat.v4.new_code_cell('#| cuda\ndef f():\n    import torch.cuda\n    return 1'),  # nbdev sees it too
            nbformat.v4.new_code_cell('#| slow\nimportlib.import_module("x")\n%time f()'),  # no statement
            nbformat.v4.new_code_cell('#| slowest\nimport os'),                        # another flag
            nbformat.v4.new_code_cell('#| hide\n#| slow\nimport os'),                 # a second directive
            nbformat.v4.new_markdown_cell('#| slow\nimport os')])
        path = Path(d)/'n.ipynb'
        nbformat.write(nb, path)
        got = docs.flagged_imports(path, ['slow', 'cuda'])
        assert got == ['cell 1 (#| slow)', 'cell 2 (#| cuda)', 'cell 5 (#| slow)'], got

def test_widget_without_state_gets_a_note():
    view = {'model_id': 'abc', 'version_major': 2, 'version_minor': 0}
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('w', outputs=[nbformat.v4.new_output(
        'display_data', data={'application/vnd.jupyter.widget-view+json': view, 'text/plain': 'VBox(...)'})])])
    assert docs._prepare(nb).cells[0].outputs[0].data == {'text/html': docs.WIDGET_NOTE}
    nb.metadata['widgets'] = {'application/vnd.jupyter.widget-state+json': {'state': {'abc': {}}}}
    nb.cells[0].outputs[0].data = {'application/vnd.jupyter.widget-view+json': view}
    # saved: left to nbconvert
    assert 'application/vnd.jupyter.widget-view+json' in docs._prepare(nb).cells[0].outputs[0].data

def run():
    "Run every test; returns the failures as one line each"
    fails = []
    for name, fn in list(globals().items()):
        if name.startswith('test_') and callable(fn):
            try:
                fn()
            except Exception as e:
                traceback.print_exc()
                fails.append(f'{name}: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ""}')
    return fails

if __name__ == '__main__':
    fails = run()
    print('\n'.join(fails) or 'all docs tests passed')
    sys.exit(1 if fails else 0)
