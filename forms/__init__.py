"""CXY Apply without a screen: the application model, the yearly rule pack, the checks,
rendering, package assembly, the draft file and the ``cxy`` CLI. Never imports Qt."""


def __getattr__(name: str) -> str:
    # read on demand (forms.version): a start-up that never asks pays nothing for it
    if name == "__version__":
        from forms.version import version

        return version()
    raise AttributeError(f"module 'forms' has no attribute {name!r}")
