# All settings live in settings.ini (nbdev 2's single source of metadata): edit there, not here.
import shlex, sys
from configparser import ConfigParser, Error as ConfigError
from pathlib import Path
import setuptools

here = Path(__file__).resolve().parent
ini = here/'settings.ini'
if not ini.exists():
    sys.exit(f"llm_scratch setup: settings.ini not found in {here}; it holds all package metadata.")
config = ConfigParser(delimiters=['='])
try:
    config.read(ini, encoding='utf-8')
except ConfigError as e:
    sys.exit(f"llm_scratch setup: settings.ini is malformed: {e}")
cfg = config['DEFAULT']

expected = ('version description keywords author author_email lib_name user branch license status min_python audience '
            'language git_url').split()
missing = [o for o in expected if o not in cfg]
if missing:
    sys.exit(f"llm_scratch setup: settings.ini is missing required settings: {', '.join(missing)}")

licenses = {'apache2': ('Apache Software License 2.0', 'OSI Approved :: Apache Software License'),
            'mit': ('MIT License', 'OSI Approved :: MIT License')}
statuses = ['1 - Planning', '2 - Pre-Alpha', '3 - Alpha', '4 - Beta', '5 - Production/Stable', '6 - Mature',
            '7 - Inactive']
py_versions = '3.10 3.11 3.12 3.13'.split()
lic = licenses.get(cfg['license'].lower(), (cfg['license'], None))
min_python = cfg['min_python']

def reqs(key):
    return shlex.split(cfg.get(key, ''))

setuptools.setup(
    name=cfg['lib_name'], version=cfg['version'], description=cfg['description'], keywords=cfg['keywords'],
    author=cfg['author'], author_email=cfg['author_email'], license=cfg.get('license_expression', lic[0]),
    url=cfg['git_url'],
    classifiers=['Development Status :: ' + statuses[int(cfg['status'])],
                 'Intended Audience :: ' + cfg['audience'].title(),
                 'Natural Language :: ' + cfg['language'].title()]
                + ['Programming Language :: Python :: ' + o for o in py_versions[py_versions.index(min_python):]],
    packages=setuptools.find_packages(include=[cfg['lib_path'], cfg['lib_path'] + '.*']),
    include_package_data=True,
    install_requires=reqs('requirements'),
    extras_require={'dev': reqs('dev_requirements'), 'hf': reqs('hf_requirements')},
    python_requires='>=' + min_python,
    long_description=(here/'README.md').read_text(encoding='utf-8'),
    long_description_content_type='text/markdown',
    zip_safe=False,
    entry_points={'console_scripts': cfg.get('console_scripts', '').split(),
                  'nbdev': [f"{cfg.get('lib_path')}={cfg.get('lib_path')}._modidx:d"]},
)
