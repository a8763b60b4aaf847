"""Start localstripe (a fake, stateful Stripe API) on loopback only, keeping nothing on disk.

localstripe's own command listens on every interface and pickles its state to /tmp; this
launcher binds 127.0.0.1 and disables the dump. localstripe is GPL-3 and a dev/test tool: it
runs as its own process and no application module imports it.

    python scripts/localstripe_launcher.py [PORT]
"""

import sys

from aiohttp import web
from localstripe import resources, server


def main() -> None:
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8420
    resources.Store.dump_to_disk = lambda self: None
    web.run_app(server.app, host="127.0.0.1", port=port, print=None)


if __name__ == "__main__":
    main()
