"""cleaner: boilerplate cleaning for scraped news pages (text dumps and HTML) and corpus building.

>>> from cleaner import clean_text
>>> doc = clean_text(open("raw/page.txt").read())
>>> doc.text, doc.date, doc.language, [(b.label, b.category, b.reason) for b in doc.blocks]
"""

from .document import CATEGORIES, Block, Document
from .pipeline import Cleaner, clean_html, clean_text
from .readers import BadInput
from .settings import Settings

__all__ = ["CATEGORIES", "BadInput", "Block", "Cleaner", "Document", "Settings", "clean_html", "clean_text"]
__version__ = "0.1.0"
