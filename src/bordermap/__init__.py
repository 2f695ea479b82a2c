"""bordermap: map a border conflict from the reporting about it.

The core (model, validation, geo analytics, timeline, map building, exports) knows nothing
about Streamlit; ``bordermap.ui`` is the only place that does.
"""

from bordermap.errors import BordermapError, DataFileError, Problem, UnreadableFileError
from bordermap.model import fatality_range, load_schema
from bordermap.validate import validate_collection, validate_file

__version__ = "0.1.0"

__all__ = [
    "BordermapError",
    "DataFileError",
    "Problem",
    "UnreadableFileError",
    "fatality_range",
    "load_schema",
    "validate_collection",
    "validate_file",
    "__version__",
]
