#!/usr/bin/env python3
"""A TCP proxy that can cut some of its clients off: a network partition on
loopback, for failover tests.

    partition_proxy.py LISTEN_PORT TARGET_PORT CUT_SOURCE

Forwards 127.0.0.1:LISTEN_PORT to 127.0.0.1:TARGET_PORT. Connections whose
source address is CUT_SOURCE (say 127.0.0.2, where the sentinels and the
replica connect from) are the far side of the partition:
  SIGUSR1  cut: their bytes are dropped both ways and new ones are held open
           without an upstream, as packets into a black hole are;
  SIGUSR2  heal: the held connections are closed (as TCP gives up on them),
           and new ones are forwarded again.
Everyone else (the service, on 127.0.0.1) is never cut. Prints "ready" once
listening.
"""
import asyncio
import signal
import sys

listen_port, target_port, cut_source = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
cut = False
far_side = set()  # writers of connections from cut_source


async def pump(reader, writer, from_far_side):
    try:
        while data := await reader.read(65536):
            if cut and from_far_side:
                continue  # into the black hole
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        writer.close()


async def serve(reader, writer):
    far = writer.get_extra_info("peername")[0] == cut_source
    if far:
        far_side.add(writer)
    try:
        while cut and far:
            if writer.is_closing():
                return
            await asyncio.sleep(0.05)  # held: no upstream while cut
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", target_port)
        except OSError:
            writer.close()
            return
        if far:
            far_side.add(up_writer)
        await asyncio.gather(pump(reader, up_writer, far), pump(up_reader, writer, far))
    finally:
        far_side.discard(writer)


def set_cut(on):
    global cut
    cut = on
    if not on:
        for w in list(far_side):
            w.close()
        far_side.clear()


async def main():
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGUSR1, set_cut, True)
    loop.add_signal_handler(signal.SIGUSR2, set_cut, False)
    server = await asyncio.start_server(serve, "127.0.0.1", listen_port)
    print("ready", flush=True)
    async with server:
        await server.serve_forever()


asyncio.run(main())
