"""Passwords only ever go to the system password store (Windows Credential Manager, macOS
Keychain, Secret Service), through ``keyring``. Back ends that would not really keep a secret —
the fail and null back ends, and keyrings.alt's plain-text files — count as unavailable, and the
user is told so instead of the password being written somewhere unsafe."""

from __future__ import annotations

from forms.errors import UserError

SERVICE = "cxy-apply"
PORTAL_PASSWORD = "portal-password"  # 技联在线


class SecretsUnavailable(UserError):
    def __init__(self) -> None:
        super().__init__(
            "secrets.unavailable",
            "系统密码库不可用，密码不会被保存，下次需重新输入。",
            "No system password store is available: the password is not saved and must be entered again next time.",
        )


def _usable(backend) -> bool:
    module = type(backend).__module__
    if module.startswith(("keyring.backends.fail", "keyring.backends.null", "keyrings.alt")):
        return False
    if module.startswith("keyring.backends.chainer"):
        return any(_usable(b) for b in getattr(backend, "backends", []))
    try:
        return backend.priority > 0
    except Exception:  # a back end that cannot say its priority cannot be trusted
        return False


class SecretStore:
    """get/set/delete one secret by name; every failure becomes :class:`SecretsUnavailable`."""

    def _backend(self):
        import keyring  # lazily: discovering back ends costs ~0.2 s

        backend = keyring.get_keyring()
        if not _usable(backend):
            raise SecretsUnavailable()
        return backend

    def available(self) -> bool:
        try:
            self._backend()
        except SecretsUnavailable:
            return False
        return True

    def get(self, name: str) -> str | None:
        from keyring.errors import KeyringError

        backend = self._backend()
        try:
            return backend.get_password(SERVICE, name)
        except KeyringError:
            raise SecretsUnavailable() from None

    def set(self, name: str, value: str) -> None:
        from keyring.errors import KeyringError

        backend = self._backend()
        try:
            backend.set_password(SERVICE, name, value)
        except KeyringError:
            raise SecretsUnavailable() from None

    def delete(self, name: str) -> None:
        from keyring.errors import KeyringError, PasswordDeleteError

        backend = self._backend()
        try:
            backend.delete_password(SERVICE, name)
        except PasswordDeleteError:
            pass
        except KeyringError:
            raise SecretsUnavailable() from None
