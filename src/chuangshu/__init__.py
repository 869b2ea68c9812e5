"""chuangshu (创熟): a knowledge graph of gradual community familiarization.

The Python API mirrors the CLI; data flows one way:
load → validate → reason → assess → render/export.

>>> import chuangshu
>>> g = chuangshu.load_graph()            # ontology + bundled case data
>>> chuangshu.summarize(g)["triples"] > 0
True
>>> a = chuangshu.assess(g)               # every community: stage, cycles, recommendations
>>> a.community("D").stage.label
'ice-breaking'

Results become pandas data frames with ``pip install 'chuangshu[frames]'``: ``a.to_frame()``,
``a.to_frame("recommendations")``, ``chuangshu.validate_files().to_frame()``,
``chuangshu.query("cq05").to_frame()``.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("chuangshu")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+unknown"

from .assess import assess
from .errors import ChuangshuError, InputError
from .library import query
from .rdf import load_ontology, parse_file
from .load import load_graph
from .reason import check_consistency, infer_owlrl
from .summary import summarize
from .validate import validate_files

__all__ = [
    "__version__",
    "ChuangshuError",
    "InputError",
    "load_graph",
    "load_ontology",
    "parse_file",
    "check_consistency",
    "infer_owlrl",
    "summarize",
    "assess",
    "query",
    "validate_files",
]
