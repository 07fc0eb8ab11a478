"""The active together model, read from the database once per process until a together model changes
(songrec/lib/process_cache.py says how), and its arrays."""

from songrec.lib.process_cache import ProcessCachedRead

from . import files
from .models import TogetherModel

TOKEN_KEY = "together:models-token"


def read_active_model():
    return TogetherModel.objects.filter(status=TogetherModel.Status.ACTIVE).first()


_active = ProcessCachedRead(TOKEN_KEY, read_active_model, copy_value=True)


def active_model():
    """The active TogetherModel (a copy), or None before the first training."""
    return _active.get()


def models_changed():
    """Called on every TogetherModel write (AppConfig.ready connects it)."""
    _active.changed()


def forget_active_model():
    _active.forget()


def active_data():
    """(TogetherModel, files.ModelData) of the active model, or (None, None) when there is none or its files are
    missing (the content systems then serve alone)."""
    model = active_model()
    data = files.model_data(model.pk) if model is not None else None
    return (model, data) if data is not None else (None, None)
