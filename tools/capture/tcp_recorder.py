#!/usr/bin/env python3
"""Records one TCP conversation: listens on 127.0.0.1, forwards the first client to an upstream server,
and saves what the client sent (client→server) and what the server sent (server→client) to two files.

    tcp_recorder.py --upstream 127.0.0.1:1935 --client-out client.bin --server-out server.bin [--port 0]

Prints "listening 127.0.0.1:PORT" on stdout once it accepts connections (PORT 0 = the kernel picks one),
then handles exactly one connection and exits when both directions have closed. Half-closes are
forwarded (a client's shutdown(SHUT_WR) reaches the server as one), so the tail of a stream is kept.
"""
import argparse
import socket
import sys
import threading


def pump(source, destination, sink, name, errors):
    try:
        while True:
            data = source.recv(65536)
            if not data:
                break
            sink.write(data)
            destination.sendall(data)
    except OSError as exc:  # a reset ends the direction; it is reported, the bytes so far are kept
        errors.append(f"{name}: {exc}")
    finally:
        sink.flush()
        try:
            destination.shutdown(socket.SHUT_WR)
        except OSError:
            pass


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--upstream", required=True, help="HOST:PORT of the real server")
    parser.add_argument("--client-out", required=True, help="file for the client→server bytes")
    parser.add_argument("--server-out", required=True, help="file for the server→client bytes")
    parser.add_argument("--port", type=int, default=0, help="port to listen on (0: any free port)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for the client")
    args = parser.parse_args()
    host, _, port = args.upstream.rpartition(":")

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", args.port))
    listener.listen(1)
    listener.settimeout(args.timeout)
    print(f"listening 127.0.0.1:{listener.getsockname()[1]}", flush=True)

    client, _ = listener.accept()
    listener.close()
    client.settimeout(None)
    server = socket.create_connection((host, int(port)), timeout=10)
    server.settimeout(None)
    for s in (client, server):
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    errors = []
    with open(args.client_out, "wb") as client_sink, open(args.server_out, "wb") as server_sink:
        threads = [
            threading.Thread(target=pump, args=(client, server, client_sink, "client→server", errors)),
            threading.Thread(target=pump, args=(server, client, server_sink, "server→client", errors)),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        sizes = (client_sink.tell(), server_sink.tell())
    client.close()
    server.close()
    for error in errors:
        print(f"note: {error}", file=sys.stderr)
    print(f"done: client→server {sizes[0]} bytes, server→client {sizes[1]} bytes", flush=True)


if __name__ == "__main__":
    main()
