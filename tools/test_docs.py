"""Tests of tools/docs.py's helpers: tables, heading ids, link rewriting, and that its site check catches problems.

Run by `python tools/docs.py --check` (or `python tools/test_docs.py`); plain asserts, no test runner needed.
"""
import sys, tempfile, traceback
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

def _site(d):
    "Two pages through the real render and postprocess, as render_site writes them"
    from nbconvert import HTMLExporter
    base = 'https://x.github.io/proj'
    a = _page('index', 'Home', [nbformat.v4.new_markdown_cell(
        '# Home\n\nSee `01_model` and [`M`](https://x.github.io/proj/model.html#m), '
        '[`_p`](https://x.github.io/proj/model.html#_p).')])
    b = _page('01_model', 'The model', [nbformat.v4.new_markdown_cell(
        '# The model\n\n## M\n\nBack to [home](index.ipynb).')])
    pages = [a, b]
    site = {'model.html': '01_model.html', '01_model.ipynb': '01_model.html', '01_model.html': '01_model.html',
            'index.html': 'index.html', 'index.ipynb': 'index.html', '': 'index.html'}
    exp = HTMLExporter(exclude_input_prompt=True, exclude_output_prompt=True, mathjax_url='mathjax/MathJax.js')
    soups = {}
    for p in pages:
        body, _ = exp.from_notebook_node(p.nb)
        soups[p.href] = docs.postprocess(body, p, pages, site, base, 'proj')
    assert docs.drop_dead_private_links(soups) == 1
    for href, soup in soups.items():
        (d/href).write_text(str(soup), encoding='utf-8')
    return base

def test_site_check_passes_and_catches():
    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        base = _site(d)
        assert docs.check_site(d, ['index', '01_model'], base) == []
        idx = (d/'index.html').read_text(encoding='utf-8')
        assert '<title>Home</title>' in idx
        assert ('href="01_model.html#m"' in idx and '_p' in idx and '#_p' not in idx
                and 'href="01_model.html"><code>01_model</code>' in idx)
        assert 'href="index.html">home' in (d/'01_model.html').read_text(encoding='utf-8')
        # a broken anchor, a link left at the online site, a lost next link, a page titled "Notebook"
        (d/'index.html').write_text(idx.replace('01_model.html#m', '01_model.html#nope')
                                       .replace('rel="next"', 'rel="x"')
                                       .replace('<title>Home</title>', '<title>Notebook</title>')
                                       .replace('</main>', f'<a href="{base}/model.html">x</a></main>'),
                                    encoding='utf-8')
        got = '\n'.join(docs.check_site(d, ['index', '01_model'], base))
        for want in ["no id 'nope'", 'points at the online site', 'next link is None', "title is 'Notebook'"]:
            assert want in got, (want, got)
        (d/'01_model.html').write_text('<html><head><title>The model</title></head><body></body></html>',
                                       encoding='utf-8')
        got = '\n'.join(docs.check_site(d, ['index', '01_model'], base))
        assert '01_model.html: no sidebar' in got and '01_model.html: previous link is None' in got, got

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
