"""``python -m bench``: see bench/run.py; ``python -m bench batch``: see bench/batch_bench.py."""

import sys

if sys.argv[1:2] == ["batch"]:
    from bench.batch_bench import main as batch_main

    raise SystemExit(batch_main(sys.argv[2:]))

from bench.run import main

raise SystemExit(main())
