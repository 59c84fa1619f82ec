"""CXY Apply without a screen: the application model, the yearly rule pack, the checks,
rendering, package assembly, the draft file and the ``cxy`` CLI. Never imports Qt."""

__version__ = "0.1.0"
