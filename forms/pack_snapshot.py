"""A checked snapshot of a loaded pack in the user's cache folder, so that a start skips reading
and merging the TOML files.

A snapshot is keyed by every file the load read or looked for (the pack's and its ancestors'
TOML files, present or not, and the office's template overrides) with their size and mtime_ns,
by the app's version and by the files of the code that reads packs; any change rebuilds it. It
is our own file, written from a pack that passed the schema and layout checks, but it is read
like a received one: size-capped, parsed, and its pack taken only when the SHA-256 digest kept
beside it matches, so that a damaged or edited snapshot is never used. The pack is then rebuilt
from its JSON without validating it again (:func:`rebuilt`): building pydantic's validators for
the pack's schema cost more than a whole ``cxy validate`` otherwise does (issue 14 §1). A
snapshot that is corrupt, stale or refused is ignored and rebuilt; a cache folder that cannot be
written only costs the speed-up.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar, cast

FORMAT = 2  # 2: the pack's digest
MAX_BYTES = 4 * 1024 * 1024  # the 2023 pack's snapshot is ~35 KB
_CODE = (
    "pack.py",
    "pack_load.py",
    "pack_lines.py",
    "pack_snapshot.py",
    "layout.py",
    "model.py",
    "derive.py",
    "text.py",
)
_HERE = Path(__file__).resolve().parent

T = TypeVar("T")


def cache_dir() -> Path:
    """The per-user cache folder: ``CXY_CACHE_DIR``; else beside a ``CXY_DATA_DIR`` override (a
    portable install, the tests); else the platform's cache place."""
    override = os.environ.get("CXY_CACHE_DIR")
    if override:
        return Path(override)
    data = os.environ.get("CXY_DATA_DIR")
    if data:
        return Path(data) / "cache"
    home = Path.home()
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or home / "AppData" / "Local") / "cxy-apply" / "cache"
    elif sys.platform == "darwin":
        base = home / "Library" / "Caches" / "cxy-apply"
    else:
        xdg = os.environ.get("XDG_CACHE_HOME") or ""
        base = Path(xdg if os.path.isabs(xdg) else home / ".cache") / "cxy-apply"
    return base


def stamp(path: Path) -> list[Any]:
    """What identifies a file's content cheaply (the file itself, not where a link points); a
    folder stands for the files in it."""
    try:
        info = os.lstat(path)
    except OSError:
        return [str(path), None]
    if stat.S_ISDIR(info.st_mode):
        try:
            names = sorted(os.listdir(path))
        except OSError:
            names = []
        return [str(path), info.st_mtime_ns, [stamp(path / name) for name in names[:64]]]
    return [str(path), info.st_size, info.st_mtime_ns]


def _code_key() -> list[Any]:
    from .version import version

    return [FORMAT, version(), [stamp(_HERE / name)[1:] for name in _CODE]]


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class Snapshot:
    """The snapshot of the pack in ``folder``."""

    def __init__(self, folder: Path) -> None:
        digest = hashlib.sha256(str(Path(folder).resolve()).encode("utf-8", "surrogatepass")).hexdigest()[:24]
        self.path = cache_dir() / "packs" / f"{digest}.json"

    def load(self, check: Callable[[str], T]) -> T | None:
        """The snapshot's pack, rebuilt by ``check`` from its JSON text (which validates it), when
        the snapshot exists and every file it was made from is unchanged; otherwise None."""
        try:
            with open(self.path, "rb") as handle:
                raw = handle.read(MAX_BYTES + 1)
            if len(raw) > MAX_BYTES:
                return None
            stored = json.loads(raw)
            if not isinstance(stored, dict) or stored.get("code") != _code_key():
                return None
            inputs = stored.get("inputs")
            if not isinstance(inputs, list) or not all(
                isinstance(i, list) and i and isinstance(i[0], str) for i in inputs
            ):
                return None
            if [stamp(Path(item[0])) for item in inputs] != inputs:
                return None
            text = stored.get("pack")
            if not isinstance(text, str) or stored.get("digest") != _digest(text):
                return None
            return check(text)
        except Exception:
            return None

    def save(self, pack_json: str, inputs: list[list[Any]]) -> None:
        """Keep ``pack_json``, the pack as loaded from the files ``inputs`` stamps (each stamped
        before it was read); silent when the cache folder cannot be written."""
        import tempfile

        record = {"code": _code_key(), "inputs": inputs, "pack": pack_json, "digest": _digest(pack_json)}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle, name = tempfile.mkstemp(dir=self.path.parent, prefix=".snapshot-", suffix=".tmp")
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as out:
                    json.dump(record, out, ensure_ascii=False)
                os.replace(name, self.path)
            except BaseException:
                os.unlink(name)
                raise
        except OSError:
            pass


def rebuilt(model: type[T], data: Any) -> T:
    """The pydantic ``model`` (and the models, dates, decimals and tuples in it) from ``data``, the
    JSON of ``model_dump_json`` of a validated instance, without validating it again
    (``model_construct`` all the way down). The result equals the validated original; data of
    another shape raises (``ValueError``, ``KeyError``, ``TypeError``), never makes a half pack."""
    from pydantic import BaseModel

    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        raise TypeError(f"not a model: {model!r}")
    return cast(T, _converter(model)(data))


Convert = Callable[[Any], Any]
_converters: dict[Any, Convert] = {}


def _converter(kind: Any) -> Convert:
    """What turns the JSON of a value of type ``kind`` back into it, made once per type (a pack
    has a few dozen types and thousands of values)."""
    try:
        return _converters[kind]
    except KeyError:
        pass
    except TypeError:  # an unhashable annotation: made each time
        return _make(kind)
    made = _converters[kind] = _make(kind)  # the pack's models do not contain themselves
    return made


def _make(kind: Any) -> Convert:
    import datetime as dt
    import types
    import typing
    from decimal import Decimal

    from pydantic import BaseModel

    from .text import Text

    origin = typing.get_origin(kind)
    if origin is typing.Annotated:
        return _converter(typing.get_args(kind)[0])
    if origin in (types.UnionType, typing.Union):
        choices = [arg for arg in typing.get_args(kind) if arg is not type(None)]
        # one type or None; else a union of JSON scalars (StrictStr | StrictInt | ...)
        inner = _converter(choices[0]) if len(choices) == 1 else _plain(choices)
        return lambda value: None if value is None else inner(value)
    if origin is list:
        item = _converter(typing.get_args(kind)[0])
        return lambda value: [item(v) for v in _checked(value, list)]
    if origin is dict:
        item = _converter(typing.get_args(kind)[1])
        return lambda value: {_checked(k, str): item(v) for k, v in _checked(value, dict).items()}
    if origin is tuple:
        items = [_converter(arg) for arg in typing.get_args(kind)]
        if Ellipsis in typing.get_args(kind):
            raise TypeError(f"cannot rebuild {kind!r}")

        def as_tuple(value: Any) -> Any:
            values = _checked(value, list)
            if len(values) != len(items):
                raise ValueError(f"a tuple of {len(items)} expected")
            return tuple(convert(v) for convert, v in zip(items, values))

        return as_tuple
    if origin is typing.Literal:
        allowed = typing.get_args(kind)

        def one_of(value: Any) -> Any:
            if value not in allowed or type(value) not in {type(a) for a in allowed}:
                raise ValueError(f"{value!r} is not one of {allowed}")
            return value

        return one_of
    if kind is Text:
        return lambda value: Text(**_exactly(value, ("zh", "en"), str))
    if isinstance(kind, type) and issubclass(kind, BaseModel):
        return _model(kind)
    if kind is dt.date:
        return lambda value: dt.date.fromisoformat(_checked(value, str))
    if kind is Decimal:
        return lambda value: Decimal(_checked(value, str))
    if kind is float:
        return lambda value: float(_checked(value, (int, float)))
    return _plain([kind])


def _model(model: Any) -> Convert:
    fields = model.model_fields
    by_key = {(spec.alias or name): name for name, spec in fields.items()}
    converters = {key: _converter(fields[name].annotation) for key, name in by_key.items()}
    required = {spec.alias or name for name, spec in fields.items() if spec.is_required()}

    def construct(value: Any) -> Any:
        table = _checked(value, dict)
        unknown = table.keys() - converters.keys()
        if unknown:
            raise ValueError(f"{model.__name__}: unknown keys {sorted(unknown)}")
        missing = required - table.keys()
        if missing:
            raise ValueError(f"{model.__name__}: missing {sorted(missing)}")
        return model.model_construct(**{by_key[key]: converters[key](v) for key, v in table.items()})

    return construct


def _exactly(value: Any, keys: tuple[str, ...], kind: type[Any]) -> dict[str, Any]:
    table = _checked(value, dict)
    if set(table) != set(keys):
        raise ValueError(f"{sorted(keys)} expected")
    return {key: _checked(table[key], kind) for key in keys}


def _plain(kinds: list[Any]) -> Convert:
    """A JSON scalar of one of ``kinds`` (or, for ``Any``, any JSON value) kept as it is."""
    import typing

    allowed: set[type[Any]] = set()
    for kind in kinds:
        if kind is Any:
            return lambda value: value
        while typing.get_origin(kind) is typing.Annotated:
            kind = typing.get_args(kind)[0]
        if kind not in (str, int, bool):
            raise TypeError(f"cannot rebuild {kind!r}")
        allowed.add(kind)

    def plain(value: Any) -> Any:
        if type(value) not in allowed:  # exact: a bool is not an int here, as a strict field keeps it
            raise ValueError(f"{value!r} is not {allowed}")
        return value

    return plain


def _checked(value: Any, kind: type[Any] | tuple[type[Any], ...]) -> Any:
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise ValueError(f"{value!r} is not {kind}")
    return value
