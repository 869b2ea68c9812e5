"""chuangshu (创熟): a knowledge graph of gradual community familiarization.

The Python API mirrors the CLI; data flows one way:
load → validate → reason → assess → render/export.

>>> import chuangshu
>>> g = chuangshu.load_graph()            # ontology + bundled case data
>>> chuangshu.summarize(g)["triples"] > 0
True
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("chuangshu")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+unknown"

from .errors import ChuangshuError, InputError
from .load import load_graph, load_ontology, parse_file
from .reason import check_consistency, infer_owlrl
from .summary import summarize

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
]
