"""The learned block classifier: features (features.py), the shipped model and its loader (scorer.py).
Training lives in cleaner/training.py (``cleaner train``)."""

from .scorer import BlockModel, load_model

__all__ = ["BlockModel", "load_model"]
