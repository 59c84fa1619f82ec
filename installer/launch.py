"""The frozen programs' entry script: ``cxy-apply`` runs ``desktop.app:main`` and ``cxy`` runs
``forms.cli:main`` (the two entry points of pyproject.toml), chosen by the name the program was
started as. On Linux ``cxy`` is a symbolic link to ``cxy-apply``, so both share one archive.

The attachment worker (forms.attachments.runner) starts ``sys.executable`` with
``--cxy-attachment-worker`` as the first argument: a frozen build has no ``python -m``.
``--cxy-bundle-check RESULT`` runs ``installer/bundle_check.py`` inside the frozen program
(``installer/build.py`` does, after the self-test).
"""

import os
import sys

WORKER_FLAG = "--cxy-attachment-worker"  # forms.attachments.runner.FROZEN_WORKER_FLAG
BUNDLE_CHECK_FLAG = "--cxy-bundle-check"


def _run() -> int:
    if sys.argv[1:2] == [WORKER_FLAG]:
        from forms.attachments.worker import main as worker_main

        return worker_main()
    if sys.argv[1:2] == [BUNDLE_CHECK_FLAG] and len(sys.argv) == 3:
        from bundle_check import run

        return run(sys.argv[2])
    invoked = os.path.splitext(os.path.basename(sys.argv[0]))[0].lower()
    if invoked == "cxy":
        from forms.cli import main as cli_main

        return cli_main()
    from desktop.app import main

    return main()


sys.exit(_run())
