"""A loopback TCP proxy that behaves like a distant server: each new connection waits HANDSHAKE round trips
before it is opened upstream (TCP's and TLS 1.3's handshakes), and each request waits one more (a request
is the client's bytes after the server last spoke, or the first bytes of the connection).

    python3 bench/delay-proxy.py LISTEN_PORT UPSTREAM_PORT DELAY_MS [HANDSHAKE_ROUND_TRIPS=2]

Binds 127.0.0.1 only; upstream is 127.0.0.1:UPSTREAM_PORT. Standard library only. Used by
`bench/measure` (DELAY_MS=...) in front of moto and the sandbox.
"""

import asyncio
import sys


async def pipe(reader, writer, before_each_turn=None, turn=None):
    """Copy reader to writer; with before_each_turn, wait it out before the first bytes of each turn."""
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            if before_each_turn is not None and turn["client"]:
                turn["client"] = False
                await asyncio.sleep(before_each_turn)
            if before_each_turn is None and turn is not None:
                turn["client"] = True
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        try:
            writer.close()
        except Exception:
            pass


async def main():
    listen, upstream, delay_ms = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
    handshakes = int(sys.argv[4]) if len(sys.argv) > 4 else 2
    delay = delay_ms / 1000

    async def serve(client_reader, client_writer):
        await asyncio.sleep(handshakes * delay)
        try:
            server_reader, server_writer = await asyncio.open_connection("127.0.0.1", upstream)
        except OSError:
            client_writer.close()
            return
        turn = {"client": True}
        await asyncio.gather(
            pipe(client_reader, server_writer, before_each_turn=delay, turn=turn),
            pipe(server_reader, client_writer, turn=turn),
        )

    server = await asyncio.start_server(serve, "127.0.0.1", listen)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
